"""Reading a raw mail: headers, the text to put on the ticket, safe HTML, attachments, and
whether it was written by a machine (auto-replies, bounces, lists: never acknowledged)."""

import codecs
import datetime as dt
import email
import email.policy
import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from email import errors
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

import nh3
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.lib.text import without_controls
from wuyedesk.mailbox.outbound import message_ids

# A MIME structure these defects describe has no reliable body: an assistant reads it.
BROKEN = (
    errors.NoBoundaryInMultipartDefect,
    errors.StartBoundaryNotFoundDefect,
    errors.MultipartInvariantViolationDefect,
)
MACHINE_SENDERS = re.compile(
    r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?|auto-?reply)([+.\-].*)?$",
    re.IGNORECASE,
)
BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster)([+.\-].*)?$", re.IGNORECASE)
AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
# Out-of-office answers that carry no Auto-Submitted header (many Chinese webmail services,
# older Exchange): the subject starts with the responder's marker and a separator, or holds
# the marker in brackets. A person's "休假期间请帮忙收快递" is not matched: no separator.
AUTO_MARKERS = (
    r"自动回复|自动答复|自动应答|自動回覆|自動回復|自動答覆|休假中|休假|不在办公室|不在辦公室"
    r"|out of (?:the )?office(?: auto-?reply)?|automatic reply|auto[- ]?reply|auto[- ]?response"
    r"|vacation reply|vacation"
)
AUTO_SUBJECT = re.compile(
    rf"^\s*(?:{AUTO_MARKERS})\s*(?:[::\-—]|$)"
    rf"|[\[【(（]\s*(?:{AUTO_MARKERS})\s*[\]】)）]",
    re.IGNORECASE,
)
# A Message-ID quoted anywhere in a bounce (its text, the returned headers or original).
QUOTED_ID = re.compile(r"<([^<>\s@]{1,200}@[^<>\s@]{1,200})>")
MAX_BOUNCED_IDS = 50
MAX_KEY = 250

# What mail labelled with the Chinese national charsets really holds: GB2312 and GBK are
# subsets of GB18030, and clients label GBK text (喆, 镕, 堃 …) GB2312 all the time.
GB_LABELS = {
    "gb2312",
    "gbk",
    "x-gbk",
    "x-gb2312",
    "gb_2312-80",
    "gb2312-80",
    "csgb2312",
    "euc-cn",
    "x-euc-cn",
    "cp936",
    "ms936",
    "windows-936",
    "chinese",
}
# An RFC 2047 encoded word's charset (=?gb2312?B?…?=) and an RFC 2231 parameter's charset
# (filename*=gb2312''%CD%F5…).
ENCODED_WORD_CHARSET = re.compile(r"(=\?)([^?*\s]+)((?:\*[^?]*)?\?[bBqQ]\?)")
PARAMETER_CHARSET = re.compile(r"(\*(?:\d+\*)?\s*=\s*\"?)([A-Za-z0-9_.:\-]+)(')")


def charset_name(label: str) -> str:
    """The codec to decode text labelled `label` with: the GB family reads as GB18030."""
    label = (label or "").strip().strip('"').lower()
    if label in GB_LABELS:
        return "gb18030"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return label
    return "gb18030" if name in {"gb2312", "gbk"} else label


def _has_raw_bytes(value: str) -> bool:
    # The parser keeps bytes it could not read as ASCII as lone surrogates (surrogateescape).
    return any("\udc80" <= char <= "\udcff" for char in value)


def header_value(value: str) -> str:
    """A header value as Chinese clients send it, made readable before it is parsed:
    8-bit bytes without MIME encoding read as UTF-8, else GB18030; the GB family's labels
    in encoded words and RFC 2231 parameters read as GB18030."""
    if _has_raw_bytes(value):
        data = value.encode("utf-8", "surrogateescape")
        for codec in ("utf-8", "gb18030"):
            try:
                value = data.decode(codec)
                break
            except UnicodeDecodeError:
                continue
        else:
            value = data.decode("utf-8", "replace")

    def relabel(found):
        label = "gb18030" if charset_name(found[2]) == "gb18030" else found[2]
        return found[1] + label + found[3]

    if "=?" in value:
        value = ENCODED_WORD_CHARSET.sub(relabel, value)
    if "'" in value and "*" in value:
        value = PARAMETER_CHARSET.sub(relabel, value)
    return value


def readable(data: bytes) -> str:
    """Raw mail bytes as text for a person (the source view, an unparsed mail's text): UTF-8,
    else GB18030, else UTF-8 with replacement marks. A UTF-8 character cut off at the end
    (the shown source is cut) does not make the whole text GB18030."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.end == len(data) and len(data) - error.start < 4:
            return data[: error.start].decode("utf-8")
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace")


class ChinesePolicy(email.policy.EmailPolicy):
    """email.policy.default, except that every header value is read by `header_value` first
    (the documented hook: header_fetch_parse), so that subjects, senders and attachment
    names arrive as text rather than as replacement characters."""

    def header_fetch_parse(self, name, value):
        if hasattr(value, "name"):  # already a header object
            return value
        return super().header_fetch_parse(name, header_value(value))


POLICY = ChinesePolicy()


class ParseError(Exception):
    """The mail cannot be read reliably; the message says why (shown to the assistant)."""


@dataclass
class Attachment:
    name: str
    content: bytes


@dataclass
class Parsed:
    message_id: str = ""
    from_address: str = ""
    from_name: str = ""
    subject: str = ""
    sent_at: dt.datetime | None = None
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    text: str = ""
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    automated: str = ""  # "", "bounce", "auto" (auto-reply) or "list"
    # Of a bounce or delivery report: the Message-IDs its text and returned original quote
    # (which mail it is about).
    bounced_ids: list[str] = field(default_factory=list)


def header_message_id(raw: bytes) -> str:
    """The Message-ID from the header block only (cheap: the body is not parsed)."""
    headers = BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
    found = message_ids(str(headers.get("Message-ID", "") or ""))
    return found[0] if found else ""


def dedupe_key(raw: bytes, message_id: str) -> str:
    if message_id and len(message_id) <= MAX_KEY - 4:
        return f"mid:{message_id}"
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _header(message, name: str) -> str:
    try:
        return " ".join(str(message.get(name, "") or "").split())
    except Exception:  # an undecodable header reads as raw text, never crashes the poller
        return " ".join(str(message.get_all(name, [""])[0]).split())


def _report_kind(message) -> str:
    """Of a multipart/report: "bounce" when it reports a failed delivery, "auto" for a
    delay or success notice or a read receipt (nothing was lost)."""
    report_type = message.get_param("report-type") or "delivery-status"
    if isinstance(report_type, tuple):  # an RFC 2231 value: (charset, language, value)
        report_type = report_type[2]
    if str(report_type).lower() != "delivery-status":
        return "auto"
    actions = []
    for part in message.walk():
        if part.get_content_type() == "message/delivery-status" and part.is_multipart():
            actions += [_header(block, "Action").lower() for block in part.get_payload()]
    actions = [a for a in actions if a]
    if actions and not any(a.startswith("failed") for a in actions):
        return "auto"
    return "bounce"


def automated_kind(message, from_address: str) -> str:
    """ "bounce" for delivery reports, "auto" for auto-replies, "list" for list and bulk
    mail, "" for a person writing."""
    auto_submitted = _header(message, "Auto-Submitted").lower()
    precedence = _header(message, "Precedence").lower()
    local = from_address.partition("@")[0]
    return_path = _header(message, "Return-Path")
    if message.get_content_type() == "multipart/report":
        return _report_kind(message)
    if BOUNCE_SENDERS.match(local or ""):
        return "bounce"
    if (
        (auto_submitted and auto_submitted != "no")
        or AUTO_SUBJECT.search(_header(message, "Subject"))
        or precedence in {"junk", "auto_reply"}
        or message.get("X-Autoreply")
        or message.get("X-Autorespond")
        or MACHINE_SENDERS.match(local or "")
        or return_path == "<>"
    ):
        return "auto"
    if precedence in AUTO_PRECEDENCE or message.get("List-Id") or message.get("List-Unsubscribe"):
        return "list"
    return ""


def _date(value: str) -> dt.datetime | None:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def _decode(part) -> str:
    """A text part as str. A charset Python does not know is a ParseError. Text labelled
    UTF-8 or ASCII (or not labelled) that is not valid UTF-8 is tried as GB18030: what
    Chinese clients send under a wrong label."""
    payload = part.get_payload(decode=True) or b""
    label = (part.get_content_charset() or "utf-8").lower()
    charset = charset_name(label)
    try:
        return payload.decode(charset)
    except LookupError:
        raise ParseError(_("正文的字符集无法识别:%(charset)s") % {"charset": label}) from None
    except UnicodeDecodeError:
        if codecs.lookup(charset).name in {"utf-8", "ascii"}:
            try:
                return payload.decode("gb18030")
            except UnicodeDecodeError:
                pass
        raise ParseError(_("正文无法按 %(charset)s 解码。") % {"charset": label}) from None


class _Text(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul"}
    SKIP = {"script", "style", "head", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    reader = _Text()
    reader.feed(html)
    reader.close()
    lines = [" ".join(line.split()) for line in "".join(reader.parts).splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def sanitize_html(html: str) -> str:
    """Only harmless markup survives: no scripts, styles, event handlers, forms or remote
    images (nh3 keeps links, which get rel="noopener noreferrer")."""
    tags = nh3.ALLOWED_TAGS - {"img"}
    return nh3.clean(html, tags=tags)


QUOTE_STARTS = re.compile(
    r"^\s*(on .{0,200} wrote:|在.{0,200}写道[::]?|-{2,} ?(original message|原始邮件) ?-{2,}"
    r"|发件人[::]|from: .+@)",
    re.IGNORECASE,
)


def strip_quote(text: str) -> str:
    """A reply without the quoted earlier mail below it (what the resident wrote now)."""
    kept = []
    for line in text.splitlines():
        if QUOTE_STARTS.match(line):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    new = "\n".join(kept).strip()
    return new or text.strip()


def _unnamed(part, number: int) -> str:
    """A name for a part sent without one (an inline image pasted into the mail): from its
    content type, e.g. image-1.png, so that the ticket's type check can accept it."""
    content_type = part.get_content_type()
    extension = {"image/jpeg": ".jpg", "image/pjpeg": ".jpg"}.get(content_type) or (
        mimetypes.guess_extension(content_type, strict=False) or ""
    )
    stem = "image" if part.get_content_maintype() == "image" else "attachment"
    return f"{stem}-{number}{extension}"


def _attachments(message, body) -> list[Attachment]:
    found = []
    for part in message.walk():
        if part is body or part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        name = " ".join(str(part.get_filename() or "").split())
        if part.get_content_maintype() == "text" and not name and disposition != "attachment":
            continue  # the other alternative of the body
        if disposition == "attachment" or name or part.get_content_maintype() == "image":
            content = part.get_payload(decode=True) or b""
            name = name or _unnamed(part, len(found) + 1)
            found.append(Attachment(name=name, content=content))
    return found


def bounced_ids(message) -> list[str]:
    """The Message-IDs a bounce quotes: the Message-ID of the returned original (an
    attached message/rfc822 or text/rfc822-headers part) and every <id@host> in its text."""
    found: list[str] = []
    for part in message.walk():
        if part is not message:
            found += message_ids(_header(part, "Message-ID"))
        if part.get_content_maintype() == "text" and not part.is_multipart():
            try:
                text = _decode(part)
            except ParseError:
                text = (part.get_payload(decode=True) or b"").decode("ascii", "replace")
            found += QUOTED_ID.findall(text)
        if len(found) >= MAX_BOUNCED_IDS:
            break
    return list(dict.fromkeys(found))[:MAX_BOUNCED_IDS]


def parse(raw: bytes) -> Parsed:
    try:
        message = email.message_from_bytes(raw, policy=POLICY)
    except Exception as error:
        raise ParseError(_("邮件结构无法解析:%(error)s") % {"error": error}) from None
    parsed = Parsed()
    ids = message_ids(_header(message, "Message-ID"))
    parsed.message_id = ids[0] if ids else ""
    try:
        senders = getaddresses([_header(message, "From")])
    except Exception:
        senders = []
    name, address = senders[0] if senders else ("", "")
    parsed.from_name, parsed.from_address = name[:200], address.strip().lower()[:254]
    parsed.subject = _header(message, "Subject")[:300]
    parsed.sent_at = _date(_header(message, "Date"))
    parsed.in_reply_to = (message_ids(_header(message, "In-Reply-To")) or [""])[0]
    parsed.references = message_ids(_header(message, "References"))
    if not parsed.from_address or "@" not in parsed.from_address:
        raise ParseError(_("找不到发件人地址。"))
    parsed.automated = automated_kind(message, parsed.from_address)
    if parsed.automated == "bounce" or message.get_content_type() == "multipart/report":
        parsed.bounced_ids = bounced_ids(message)
    defects = [d for part in message.walk() for d in part.defects] + list(message.defects)
    broken = [d for d in defects if isinstance(d, BROKEN)]
    if broken:
        raise ParseError(_("MIME 结构损坏:%(defect)s") % {"defect": type(broken[0]).__name__})
    try:
        body = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        body = None
    if body is not None:
        content = _decode(body)
        if body.get_content_subtype() == "html":
            parsed.html = sanitize_html(content)
            parsed.text = html_to_text(content)
        else:
            parsed.text = content.strip()
            html_part = message.get_body(preferencelist=("html",))
            if html_part is not None and html_part is not body:
                try:
                    parsed.html = sanitize_html(_decode(html_part))
                except ParseError:
                    parsed.html = ""
    parsed.attachments = _attachments(message, body)
    return _without_controls(parsed)


def _without_controls(parsed: Parsed) -> Parsed:
    """What strangers' mail says, as text is stored everywhere (lib/text.py): control
    characters but tab and newline removed, CRLF as LF. A NUL cannot be stored by PostgreSQL
    (the mail would fail on every retry) and ESC sequences repaint a terminal (#11)."""
    parsed.subject = without_controls(parsed.subject)
    parsed.from_name = without_controls(parsed.from_name)
    parsed.text = without_controls(parsed.text)
    parsed.html = without_controls(parsed.html)
    for attachment in parsed.attachments:
        attachment.name = without_controls(attachment.name)
    return parsed
