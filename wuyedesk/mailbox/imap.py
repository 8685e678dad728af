"""The IMAP poller (stdlib imaplib): fetch each new mail by UID, keep it, process it, then
mark it \\Seen (or move it to MAIL_IMAP_DONE_FOLDER). Nothing is ever deleted.

Where it stopped is kept per mailbox and UIDVALIDITY (MailboxState). A mail fetched twice
(a crash before the UID was saved, two pollers at once) is stored once: `inbound.store`
claims it by Message-ID, else by a hash of its bytes.
"""

import contextlib
import imaplib
import logging
import re
import ssl

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from wuyedesk.mailbox import inbound
from wuyedesk.mailbox.models import MailboxState

log = logging.getLogger(__name__)

UIDVALIDITY_RE = re.compile(rb"UIDVALIDITY (\d+)")
SIZE_RE = re.compile(rb"RFC822\.SIZE (\d+)")
BATCH = 200  # mails per poll; the next poll (a minute later) continues


class MailboxError(Exception):
    pass


def configured() -> bool:
    return bool(settings.MAIL_IMAP_HOST and settings.MAIL_IMAP_USER)


def mailbox_key() -> str:
    return (
        f"{settings.MAIL_IMAP_USER}@{settings.MAIL_IMAP_HOST}:{settings.MAIL_IMAP_PORT}"
        f"/{settings.MAIL_IMAP_FOLDER}"
    )


def connect() -> imaplib.IMAP4:
    host, port = settings.MAIL_IMAP_HOST, settings.MAIL_IMAP_PORT
    security = (settings.MAIL_IMAP_SECURITY or "ssl").lower()
    timeout = 60
    if security == "ssl":
        client = imaplib.IMAP4_SSL(
            host, port, ssl_context=ssl.create_default_context(), timeout=timeout
        )
    else:
        client = imaplib.IMAP4(host, port, timeout=timeout)
        if security == "starttls":
            client.starttls(ssl_context=ssl.create_default_context())
        elif security != "none":
            raise MailboxError(f"MAIL_IMAP_SECURITY must be ssl, starttls or none: {security}")
    client.login(settings.MAIL_IMAP_USER, settings.MAIL_IMAP_PASSWORD)
    return client


def _check(result, what: str):
    status, data = result
    if status != "OK":
        raise MailboxError(f"{what}: {status} {data!r}")
    return data


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def poll_once() -> dict:
    """One pass over the mailbox: {"fetched", "stored", "skipped"}; {} when not configured."""
    if not configured():
        return {}
    client = connect()
    try:
        return _poll(client)
    finally:
        with contextlib.suppress(Exception):  # the connection is going away anyway
            client.logout()


def _poll(client) -> dict:
    folder = settings.MAIL_IMAP_FOLDER
    _check(client.select(_quote(folder)), "select")
    uidvalidity = _uidvalidity(client, folder)
    key = mailbox_key()
    state, _created = MailboxState.objects.get_or_create(mailbox=key)
    if state.uidvalidity != uidvalidity:
        # The server renumbered the folder: start again; the dedupe keeps it harmless.
        MailboxState.objects.filter(pk=state.pk).update(uidvalidity=uidvalidity, last_uid=0)
        state.refresh_from_db()
    data = _check(client.uid("SEARCH", None, f"UID {state.last_uid + 1}:*"), "search")
    uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > state.last_uid)[:BATCH]
    counts = {"fetched": 0, "stored": 0, "skipped": 0}
    limit = settings.MAIL_MAX_MB * 1024 * 1024
    for uid in uids:
        size = _size(client, uid)
        counts["fetched"] += 1
        if size is not None and size > limit:
            header = _fetch(client, uid, "BODY.PEEK[HEADER]")
            mail = inbound.store_too_large(header, size=size, mailbox=key, uid=uid)
        else:
            raw = _fetch(client, uid, "BODY.PEEK[]")
            mail = inbound.receive(raw, mailbox=key, uid=uid)
        counts["stored" if mail is not None else "skipped"] += 1
        try:
            _done(client, uid, too_large=size is not None and size > limit)
        except (MailboxError, imaplib.IMAP4.error) as error:
            # Stored and processed: the flag or the move is a convenience, not worth a stall.
            log.warning("mail %s in %s processed but not marked/moved: %s", uid, key, error)
        # Remember progress after every mail; only ever forward (two pollers may race).
        MailboxState.objects.filter(Q(last_uid__lt=uid), pk=state.pk).update(last_uid=uid)
    MailboxState.objects.filter(pk=state.pk).update(polled_at=timezone.now())
    if counts["fetched"]:
        log.info("mail poll %s: %s", key, counts)
    return counts


def _uidvalidity(client, folder: str) -> int:
    data = _check(client.status(_quote(folder), "(UIDVALIDITY)"), "status")
    found = UIDVALIDITY_RE.search(b" ".join(d for d in data if isinstance(d, bytes)))
    return int(found.group(1)) if found else 0


def _size(client, uid: int) -> int | None:
    data = _check(client.uid("FETCH", str(uid), "(RFC822.SIZE)"), "fetch size")
    for item in data:
        line = item[0] if isinstance(item, tuple) else item
        found = SIZE_RE.search(line or b"")
        if found:
            return int(found.group(1))
    return None


def _fetch(client, uid: int, part: str) -> bytes:
    data = _check(client.uid("FETCH", str(uid), f"({part})"), "fetch")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    raise MailboxError(f"fetch {uid}: no content")


def _done(client, uid: int, *, too_large: bool) -> None:
    """Processed mail is marked seen, or moved when a done folder is set. A mail too large
    to download stays unseen in place, for a person to open in a mail program."""
    if too_large:
        return
    done = settings.MAIL_IMAP_DONE_FOLDER
    if done:
        status, _data = client.uid("MOVE", str(uid), _quote(done))
        if status == "OK":
            return
        _check(client.uid("COPY", str(uid), _quote(done)), "copy")
        _check(client.uid("STORE", str(uid), "+FLAGS", "(\\Seen \\Deleted)"), "store")
        client.uid("EXPUNGE", str(uid))  # UIDPLUS: only this mail, not others marked deleted
        return
    _check(client.uid("STORE", str(uid), "+FLAGS", "(\\Seen)"), "store")
