"""The global search as the page and the API run it (#12 point 4): validation, the search
(tickets.global_search.search_everything) and, for a phone search, its access-log row, which
records the fact of the search and never the number (PIPL)."""

from wuyedesk.audit.services import record_phone_search
from wuyedesk.lib.privacy import looks_like_phone
from wuyedesk.tickets import global_search


def search_is_private(text: str) -> bool:
    """Text that may hold a phone number: it stays out of URLs (a ticket number does not)."""
    text = (text or "").strip()
    if global_search.TICKET_NUMBER_RE.match(text):
        return False
    return looks_like_phone(text) or global_search.search_mode(text) == "phone"


def search_run(user, text: str) -> global_search.Found:
    """Validate `text` (ValidationError with a code and a message in the user's language),
    search everything the user may see, and log a phone search as such."""
    text = global_search.search_text_clean(text)
    found = global_search.search_everything(user, text)
    if found.mode == "phone":
        record_phone_search(by=user)
    return found
