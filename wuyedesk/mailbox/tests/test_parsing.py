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


@pytest.mark.parametrize(
    "subject, expected",
    [
        ("自动回复: 已受理:漏水", "auto"),
        ("自動回覆:已受理", "auto"),
        ("Automatic reply: [20261127-0001] 已受理", "auto"),
        ("Out of Office AutoReply: x", "auto"),
        ("休假中", "auto"),
        ("通知(自动回复)", "auto"),
        ("休假期间请帮忙收快递", ""),
        ("自动回复的问题", ""),
        ("Re: 自动回复没有工单号", ""),
        ("outdoor lights", ""),
    ],
)
def test_out_of_office_subjects_are_recognised_and_ordinary_ones_are_not(subject, expected):
    assert automated_kind(_message(Subject=subject), "a@example.com") == expected


def test_gb_family_labels_read_as_gb18030():
    from wuyedesk.mailbox.parsing import charset_name, header_value

    for label in ("GB2312", "gbk", "x-gbk", "euc-cn", "cp936", '"gb2312"'):
        assert charset_name(label) == "gb18030"
    assert charset_name("utf-8") == "utf-8" and charset_name("big5") == "big5"
    raw_gbk = "王喆".encode("gbk").decode("ascii", "surrogateescape")
    assert header_value(raw_gbk) == "王喆"
    assert header_value("=?GB2312?B?zfWGtA==?=") == "=?gb18030?B?zfWGtA==?="
    assert header_value("attachment; filename*=gb2312''%CD%F5") == (
        "attachment; filename*=gb18030''%CD%F5"
    )
    assert header_value("=?utf-8?B?5L2g?=") == "=?utf-8?B?5L2g?="


def test_a_read_receipt_is_automatic_but_not_a_bounce():
    raw = (
        b"From: zhang.wei@example.com\r\nSubject: Read: x\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=disposition-notification; boundary="M"'
        b"\r\n\r\n--M\r\nContent-Type: text/plain\r\n\r\nread\r\n"
        b"--M\r\nContent-Type: message/disposition-notification\r\n\r\n"
        b"Disposition: manual-action/MDN-sent-manually; displayed\r\n--M--\r\n"
    )
    assert parse(raw).automated == "auto"
