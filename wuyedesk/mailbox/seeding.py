"""Demo mail for the assistants' queue (`wuyedesk seed --tickets N` calls seed_demo): an
unknown sender waiting to be linked, a mail with a broken MIME structure, and an
out-of-office answer. None of them is acknowledged, so seeding sends no mail. Stored through
the same path as polled mail; a second run finds them already stored."""

from email.message import EmailMessage
from email.utils import format_datetime

from django.utils import timezone

from wuyedesk.mailbox import inbound


def _unknown(seed: int) -> bytes:
    message = EmailMessage()
    message["From"] = "王女士 <wang.nvshi@example.net>"
    message["To"] = "kefu@wuyedesk.demo"
    message["Subject"] = "地下车库入口的灯坏了"
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = f"<demo-{seed}-unknown@wuyedesk.demo>"
    message.set_content("您好,地下车库B入口的灯已经坏了三天,晚上很暗,请尽快修理。\n王女士")
    return message.as_bytes()


def _broken(seed: int) -> bytes:
    return (
        "From: li.xiansheng@example.net\r\nTo: kefu@wuyedesk.demo\r\n"
        f"Subject: =?utf-8?b?5oqV6K+J?=\r\nMessage-ID: <demo-{seed}-broken@wuyedesk.demo>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n"
        "楼上装修噪音太大,周末早上七点就开始。\r\n"
    ).encode()


def _auto(seed: int) -> bytes:
    message = EmailMessage()
    message["From"] = "zhao@example.net"
    message["To"] = "kefu@wuyedesk.demo"
    message["Subject"] = "自动回复:我正在休假"
    message["Auto-Submitted"] = "auto-replied"
    message["Message-ID"] = f"<demo-{seed}-auto@wuyedesk.demo>"
    message.set_content("我将于下周一返回办公室。")
    return message.as_bytes()


def seed_demo(*, seed: int) -> dict[str, int]:
    stored = 0
    for raw in (_unknown(seed), _broken(seed), _auto(seed)):
        if inbound.receive(raw, mailbox="demo") is not None:
            stored += 1
    return {"inbound mail": stored}
