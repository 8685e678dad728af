"""Reading a raw mail: headers, the text to put on the ticket, safe HTML, attachments, and
whether it was written by a machine (auto-replies, bounces, lists: never acknowledged)."""

import datetime as dt
import email
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from email import errors
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

import nh3
from django.utils import timezone
from django.utils.translation import gettext as _

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
MAX_KEY = 250


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


def automated_kind(message, from_address: str) -> str:
    """ "bounce" for delivery reports, "auto" for auto-replies, "list" for list and bulk
    mail, "" for a person writing."""
    auto_submitted = _header(message, "Auto-Submitted").lower()
    precedence = _header(message, "Precedence").lower()
    local = from_address.partition("@")[0]
    return_path = _header(message, "Return-Path")
    if BOUNCE_SENDERS.match(local or "") or message.get_content_type() == "multipart/report":
        return "bounce"
    if (
        (auto_submitted and auto_submitted != "no")
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
    """A text part as str. A charset Python does not know is a ParseError."""
    payload = part.get_payload(decode=True) or b""
    charset = (part.get_content_charset() or "utf-8").lower()
    if charset in {"gb2312", "gbk", "x-gbk"}:
        charset = "gb18030"  # what mail labelled GB2312 actually contains
    try:
        return payload.decode(charset)
    except LookupError:
        raise ParseError(_("正文的字符集无法识别:%(charset)s") % {"charset": charset}) from None
    except UnicodeDecodeError:
        raise ParseError(_("正文无法按 %(charset)s 解码。") % {"charset": charset}) from None


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


def _attachments(message, body) -> list[Attachment]:
    found = []
    for part in message.walk():
        if part is body or part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        name = part.get_filename()
        if part.get_content_maintype() == "text" and not name and disposition != "attachment":
            continue  # the other alternative of the body
        if disposition == "attachment" or name or part.get_content_maintype() == "image":
            content = part.get_payload(decode=True) or b""
            found.append(Attachment(name=str(name or "attachment"), content=content))
    return found


def parse(raw: bytes) -> Parsed:
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
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
    return parsed
