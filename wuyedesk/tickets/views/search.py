"""The global search (#12 point 4): one box in the top bar of every staff page.

The box posts. Text that cannot be personal data (words, a name, a room, a ticket number)
is redirected to `/search/?q=…`, a URL to share; a phone number is searched in the POST's
answer and never reaches a URL, the browser's history or the server's request log, and the
access log keeps only the fact that a phone search was made (audit `search`), not the
number.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from wuyedesk.accounts.decorators import staff_required
from wuyedesk.lib.text import without_controls
from wuyedesk.tickets import global_search as finder
from wuyedesk.tickets import rows
from wuyedesk.tickets.services.search import search_is_private, search_run


def found_rows(found) -> list[dict]:
    """The rows of the tickets found, as a queue page prints them (two queries)."""
    return rows.page_rows(rows.by_ids(found.ticket_ids, rows.PAGE_COLUMNS))


@staff_required
@require_http_methods(["GET", "POST"])
def global_search(request):
    if request.method == "GET":
        typed = without_controls(request.GET.get("q", ""))
        if not typed:
            return _page(request, "")
        if search_is_private(typed):
            # A phone number put in the URL by hand: not searched from there.
            return _page(request, "", error=_("电话号码请在搜索框中输入后提交,不要放进网址。"))
    else:
        typed = without_controls(request.POST.get("q", ""))
    try:
        text = finder.search_text_clean(typed)
    except ValidationError as error:
        return _page(request, typed, error=error.messages[0])
    if request.method == "POST" and not search_is_private(text):
        # Words, names, rooms and ticket numbers get a URL to share.
        return redirect(f"{reverse('global_search')}?{urlencode({'q': text})}")
    found = search_run(request.user, text)
    return _page(request, text, found=found)


def _page(request, text, *, found=None, error=""):
    context = {"search_text": text, "error": error, "found": found, "title": _("搜索")}
    if found is not None:
        ticket_rows = found_rows(found)
        # The queue's own rows fragment (Jinja2, autoescaping; docs/architecture.md).
        context["rows_html"] = mark_safe(  # noqa: S308  (an autoescaping template's output)
            render_to_string("tickets/queue_rows.html", {"rows": ticket_rows}, using="jinja2")
        )
        context["ticket_count"] = len(ticket_rows)
        context["phone"] = found.mode == "phone"
        if found.more_tickets and not search_is_private(text):
            query = urlencode({"queue": "all", "q": text})
            context["more_url"] = f"{reverse('ticket_queue')}?{query}"
    return render(request, "tickets/search.html", context)
