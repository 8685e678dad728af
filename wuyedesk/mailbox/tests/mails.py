"""Mails as residents' mail programs write them."""

from email.header import decode_header, make_header
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.utils import timezone


def mail(
    *,
    sender="zhang.wei@example.com",
    to="kefu@test.example",
    subject="卫生间漏水",
    text="楼上漏水到我家卫生间,请派人看看。",
    html=None,
    headers=None,
    attachments=(),
    message_id=None,
    date=None,
) -> bytes:
    message = EmailMessage()
    message["From"] = f"张伟 <{sender}>"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(date or timezone.now())
    message["Message-ID"] = message_id or make_msgid(domain="example.com")
    for name, value in (headers or {}).items():
        message[name] = value
    if html is not None and text is None:
        message.set_content(html, subtype="html")
    else:
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
    for name, content, maintype, subtype in attachments:
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def subject_of(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def body_of(message) -> str:
    part = message.get_payload(0) if message.is_multipart() else message
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
