"""The global search (issue #12 point 4): one search over every queue and community the
user may see, by ticket number, phone number, name, room or words of the tickets' text."""

import hashlib
import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wuyedesk.accounts.access import scope_key
from wuyedesk.core import reference, versions
from wuyedesk.lib.privacy import normalize_phone
from wuyedesk.lib.search import is_one_character, query_tokens
from wuyedesk.properties.lookup import MIN_PHONE_DIGITS, Lookup, contact_by_ids, contact_lookup
from wuyedesk.properties.selectors import RECORDS_VERSION
from wuyedesk.tickets.selectors import data_version, search, tickets_visible_to

# A ticket's number as the desk writes it: 20261127-0042.
TICKET_NUMBER_RE = re.compile(r"^\d{8}-\d{1,6}$")
SEARCH_MAX_LENGTH = 100
SEARCH_TICKETS = 20
SEARCH_PEOPLE = 8
# What a search found is kept as ids (never as rows: no personal data in the cache) until a
# ticket, a resident's record or the reference data changes, and at most KEEP_SECONDS, for
# what the versions do not see (a staff member's scope changing).
KEEP_SECONDS = 60


@dataclass
class Found:
    """What one search found, grouped: tickets (their ids, newest first), residents, rooms."""

    text: str
    mode: str  # "number", "phone", "name" (one character: names only) or "text"
    ticket_ids: list = field(default_factory=list)
    more_tickets: bool = False  # more tickets matched than listed
    people: Lookup = field(default_factory=Lookup)

    @property
    def empty(self) -> bool:
        return not self.ticket_ids and self.people.empty


def search_text_clean(text: str) -> str:
    """The search text, stripped; a ValidationError (code, message) for what cannot be
    searched: nothing, too long, or nothing searchable in it."""
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError(_("请输入要搜索的内容。"), code="required")
    if len(text) > SEARCH_MAX_LENGTH:
        raise ValidationError(
            _("搜索内容最长 %(n)s 个字。") % {"n": SEARCH_MAX_LENGTH}, code="max_length"
        )
    if not query_tokens(text):
        raise ValidationError(_("请输入工单编号、电话、姓名、房号或文字。"), code="invalid")
    return text


def search_mode(text: str) -> str:
    """ "number" (a ticket number), "phone" (a phone number, full or not), "name" (one CJK
    character: a surname, searched among names only) or "text"."""
    if TICKET_NUMBER_RE.match(text):
        return "number"
    if is_one_character(text):
        return "name"
    digits = normalize_phone(text)
    if digits.isdigit() and len(digits) >= MIN_PHONE_DIGITS:
        return "phone"
    return "text"


def search_everything(user, text: str, *, limit: int = SEARCH_TICKETS) -> Found:
    """`_search`, kept for the same person, scope and text as the ids it found until a
    ticket or an event is added (tickets.selectors.data_version: every change to a ticket
    records an event), a resident's record, a room or a household changes (RECORDS_VERSION)
    or the reference data does, and at most KEEP_SECONDS. The rows are read again by id,
    within the user's scope. The full-text search and the names' scan, and the ORM's
    compile of their three queries, were two thirds of the search page's CPU (bench/README.md,
    session 17). A phone search is never kept: what it finds is found by a personal number."""
    mode = search_mode(text)
    if mode == "phone":
        return _search(user, text, mode, limit)
    parts = f"{scope_key(user)}:{limit}:{text}"
    stamp = (*data_version(), versions.current(RECORDS_VERSION), reference.version())
    version = "-".join(map(str, stamp))
    key = f"wuyedesk:search:{version}:{hashlib.sha256(parts.encode()).hexdigest()}"
    kept = cache.get(key)
    if kept is None:
        found = _search(user, text, mode, limit)
        people = found.people
        kept = (
            found.ticket_ids,
            found.more_tickets,
            [resident.pk for resident in people.residents],
            [room.pk for room in people.rooms],
            people.more,
        )
        cache.set(key, kept, KEEP_SECONDS)
        return found
    ticket_ids, more_tickets, resident_ids, room_ids, more = kept
    found = Found(text=text, mode=mode, ticket_ids=ticket_ids, more_tickets=more_tickets)
    if mode != "number":
        found.people = contact_by_ids(user, text, resident_ids, room_ids, more=more)
    return found


def _search(user, text: str, mode: str, limit: int) -> Found:
    """One search over everything the user may see (every queue, their communities): a
    ticket number, a phone number (in full: residents and their tickets), a name, a room or
    words of the tickets' text (the full-text index, tickets.search). Validate `text` with
    search_text_clean first. A constant number of queries, however many match; the caller
    reads the tickets' rows by id (tickets/rows.py).

    On a copy of the 1,000,000-ticket SQLite bench database, warm: the tickets of 漏水 in
    1-6 ms through the full-text index, the residents' names 35-47 ms (a scan of the
    residents' names, as intake's lookup), a ticket number 3-10 ms, a phone 3-50 ms."""
    found = Found(text=text, mode=mode)
    tickets = tickets_visible_to(user, newest_first=True)
    if mode == "number":
        tickets = tickets.filter(number=text)
    elif mode == "phone":
        tickets = tickets.filter(resident__phone=normalize_phone(text))
    elif mode == "text":
        tickets = search(tickets, text)
    if mode != "name":  # the text index pairs characters: one finds only itself alone
        ids = list(tickets.order_by("-id").values_list("id", flat=True)[: limit + 1])
        found.ticket_ids, found.more_tickets = ids[:limit], len(ids) > limit
    if mode != "number":
        # Rooms only for text with a digit in it (a room number): matching words against
        # every building's and community's name costs more than it finds.
        with_rooms = any(c.isdigit() for c in text)
        found.people = contact_lookup(user, text, limit=SEARCH_PEOPLE, with_rooms=with_rooms)
    return found
