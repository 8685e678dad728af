"""Reading mail: machine-written mail, quoted replies, Chinese charsets, HTML to text."""

from email.message import EmailMessage

import pytest

from wuyedesk.mailbox.parsing import (
    ParseError,
    automated_kind,
    html_to_text,
    parse,
    strip_quote,
)


def _message(**headers):
    message = EmailMessage()
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("x")
    return message


@pytest.mark.parametrize(
    "headers, sender, expected",
    [
        ({}, "a@example.com", ""),
        ({"Auto_Submitted": "no"}, "a@example.com", ""),
        ({"Auto_Submitted": "auto-replied"}, "a@example.com", "auto"),
        ({"Auto_Submitted": "auto-generated"}, "a@example.com", "auto"),
        ({"Precedence": "junk"}, "a@example.com", "auto"),
        ({"Precedence": "auto_reply"}, "a@example.com", "auto"),
        ({"X_Autoreply": "yes"}, "a@example.com", "auto"),
        ({}, "no-reply@example.com", "auto"),
        ({}, "noreply@example.com", "auto"),
        ({}, "MAILER-DAEMON@example.com", "bounce"),
        ({}, "postmaster@example.com", "bounce"),
        ({"Precedence": "bulk"}, "a@example.com", "list"),
        ({"Precedence": "list"}, "a@example.com", "list"),
        ({"List_Id": "<owners.example.com>"}, "a@example.com", "list"),
    ],
)
def test_machine_written_mail_is_recognised(headers, sender, expected):
    assert automated_kind(_message(**headers), sender) == expected


def test_quoted_text_is_cut_from_a_reply():
    text = "好的,明天上午。\n\nOn Fri, 27 Nov 2026 Kefu wrote:\n> earlier"
    assert strip_quote(text) == "好的,明天上午。"
    assert strip_quote("> only a quote") == "> only a quote"  # nothing new: keep it all
    assert strip_quote("谢谢\n-----原始邮件-----\n发件人: x") == "谢谢"


def test_gb2312_labelled_mail_with_gbk_characters_reads():
    raw = (
        b"From: a@example.com\r\nSubject: x\r\nContent-Type: text/plain; charset=gb2312\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n"
    ) + "电梯故障,喆".encode("gbk")
    assert parse(raw).text == "电梯故障,喆"


def test_no_sender_is_a_parse_error():
    with pytest.raises(ParseError):
        parse(b"Subject: x\r\n\r\nbody")


def test_html_to_text_keeps_paragraphs_and_drops_scripts():
    assert html_to_text("<p>一</p><script>x()</script><div>二<br>三</div>") == "一\n\n二\n三"
