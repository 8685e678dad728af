"""The queues and the ticket page. Each action form posts to its own URL and calls one
service (see actions.py); a refused action re-renders the page with the input kept."""

import functools

from django.contrib import messages
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template import engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuyedesk.accounts.access import posts_of
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.decorators import staff_required
from wuyedesk.core.downloads import uploaded_file
from wuyedesk.core.jinja2 import form_tokens
from wuyedesk.lib.paging import page_of
from wuyedesk.lib.privacy import search_params
from wuyedesk.lib.search import is_one_character
from wuyedesk.properties.services import may_export
from wuyedesk.tickets import canned, queue_filters, rows, selectors
from wuyedesk.tickets.action_forms import QueueFilterForm
from wuyedesk.tickets.actions import (
    ACTIONS,
    build_form,
    desk,
    lead,
    manager,
    others_step,
    workable_dispatches,
)
from wuyedesk.tickets.assignments import selectors as task_selectors
from wuyedesk.tickets.assignments import services as assignments
from wuyedesk.tickets.attachments import attachments_of, files_of
from wuyedesk.tickets.choices import DispatchPurpose
from wuyedesk.tickets.display import clocks, labelled
from wuyedesk.tickets.export import QUEUES, filtered, ticket_export, too_many_message
from wuyedesk.tickets.services import TicketConflict

PAGE_SIZE = 50
# How long a ticket's rendered timeline is kept at most (it is drawn again at once when an
# event or an attachment is added: Timeline.stamp is in its key).
TIMELINE_SECONDS = 3600
# A search in one queue counts the matches of every queue up to this many.
ELSEWHERE_CAP = 1000
CONFLICT = gettext_lazy("工单已被他人修改,请刷新后重试。")
# Forms drawn inside a row of the page (a dispatch, a measure) rather than in the side column.
ROW_ACTIONS = {"reply", "findings", "measure"}
# The secondary menu, in the order a ticket usually goes; acknowledge sits in the header, and
# the primary action (actions.lead) comes first, above the menu.
SIDE_ORDER = [
    "receipt",
    "follow_up",
    "transfer",
    "escalate",
    "investigate",
    "decide",
    "feedback",
    "return_visit",
    "message",
    "comment",
    "attach",
    "assign",
    "incident",
    "merge",
    "link",
    "close",
    "reopen",
]


def _default_queue(user) -> str:
    return "department" if posts_of(user) <= {Post.DEPARTMENT.value} else "mine"


def _queue_request(request):
    """(queue name, params, link query, the filters' cleaned data, form or None) of a queue
    page or its export: GET, or POST for a search by phone number."""
    params, query = search_params(request)
    name = request.GET.get("queue") or params.get("queue") or _default_queue(request.user)
    if name not in QUEUES:
        raise Http404
    if any(params.get(field) for field in QueueFilterForm.FIELDS if field != "q"):
        form = QueueFilterForm(params, user=request.user)
        form.is_valid()  # invalid fields are shown and left out; the valid ones still filter
        return name, params, query, getattr(form, "cleaned_data", {}), form
    return name, params, query, {"q": params.get("q", "").strip()}, None


@staff_required
@require_http_methods(["GET", "POST"])
def ticket_queue(request):
    user = request.user
    name, params, query, data, form = _queue_request(request)
    if form is not None:
        filter_fields = _filter_fields(form, name)
    else:  # the queue as it opens, or searched: the same choices as a minute ago
        filter_fields = queue_filters.unfiltered(
            user, name, lambda: _filter_fields(QueueFilterForm({}, user=user), name)
        )
    tickets = filtered(user, name, data)
    searched = data.get("q", "")
    elsewhere = None
    if searched and name != "all":
        # The ticket may sit in another queue: say how many the whole scope holds (#12 point 4).
        everywhere = selectors.search(selectors.tickets_visible_to(user), searched)
        elsewhere = everywhere.order_by().values("pk")[:ELSEWHERE_CAP].count()
    page = page_of(tickets.values_list("id", flat=True), request.GET.get("page"), PAGE_SIZE)
    page.object_list = rows.by_ids(page.object_list, rows.PAGE_COLUMNS)
    due_field = "return_visit_due" if name == "return_visits" else "next_due"
    page.object_list = rows.page_rows(page.object_list, due_field=due_field)
    # The rows are the page's hottest fragment: Jinja2 writes them (docs/architecture.md),
    # an autoescaping template's output, safe to place in the page as it is.
    rows_html = render_to_string(
        "tickets/queue_rows.html", {"rows": page.object_list}, using="jinja2"
    )
    return render(
        request,
        "tickets/queue.html",
        {
            "queues": QUEUES,
            "queue": name,
            "queue_tabs": _tabs(user),
            "page": page,
            "rows_html": mark_safe(rows_html),  # noqa: S308  (an autoescaping template's output)
            "filter_fields": filter_fields,
            "search_text": params.get("q", ""),
            "resident": params.get("resident", ""),
            "query": query,
            # The tabs keep the search and filters (a phone search: by posting the form).
            "tab_query": _without_queue(query),
            "private_search": bool(params.get("q")) and not QueryDict(query).get("q"),
            "elsewhere": elsewhere,
            "elsewhere_cap": ELSEWHERE_CAP,
            # One character finds a ticket only where it stands alone: the page says so and
            # links the name search (lib/search.is_one_character).
            "one_character": is_one_character(searched),
            "tasks": list(task_selectors.open_tasks_of(user)[:50]) if name == "mine" else [],
            "may_give_tasks": assignments.may_give_tasks(user),
            "may_export": may_export(user),
            "title": QUEUES[name],
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def ticket_queue_export(request):
    """导出 XLSX: the tab as shown, with its filters and search (the export right)."""
    name, _params, query, data, _form = _queue_request(request)
    try:
        return ticket_export(user=request.user, queue=name, label=str(QUEUES[name]), data=data)
    except ValidationError:
        messages.error(request, too_many_message())
        link = f"{reverse('ticket_queue')}?queue={name}"
        rest = _without_queue(query)
        return redirect(f"{link}&{rest}" if rest else link)


def _tabs(user) -> list[tuple]:
    """(key, label, size) of each queue tab; the size is None for "all" (every ticket)."""
    counts = selectors.queue_counts(user)
    return [(key, label, counts.get(key)) for key, label in QUEUES.items()]


def _without_queue(query: str) -> str:
    parsed = QueryDict(query, mutable=True)
    parsed.pop("queue", None)
    return parsed.urlencode()


def _filter_fields(form, queue: str) -> str:
    return render_to_string("tickets/_queue_filters.html", {"form": form, "queue": queue})


class Timeline:
    """The ticket's timeline for the page: its rows are read only when the template draws
    them, which it does when its cached copy (_kept_parts, keyed by `stamp`) is missing
    or stale. The rows are the same for every reader in a language; `stamp` changes when
    an event or an attachment is added."""

    def __init__(self, ticket, by_event):
        self.ticket, self.by_event = ticket, by_event
        self.stamp = selectors.timeline_stamp(ticket, by_event)

    def __iter__(self):
        events = labelled(selectors.timeline_of(self.ticket))
        return iter([(e, self.by_event.get(e.pk)) for e in events])


def _page(request, ticket, *, failed=None, failed_form=None, conflict=False, status=200):
    """The ticket page with one form per action this user may take now."""
    user = request.user
    the_lead = lead(user, ticket)
    primary = the_lead.primary
    failed_slug = failed.slug if failed else ""
    # The forms drawn in the page: the next step, a form sent back, the one asked for
    # (?open=, the link of a closed panel without JavaScript) and closing (its refusals
    # list what is missing). The other panels fetch their form when opened (action_form):
    # drawing a dozen forms' widgets was half of the page's time (bench/README.md).
    drawn = {primary, failed_slug, request.GET.get("open", ""), "close"}
    forms = {}
    for slug, action in ACTIONS.items():
        if slug in ROW_ACTIONS:
            continue
        if action.permitted(user, ticket) and action.offered(ticket):
            forms[slug] = build_form(action, user, ticket) if slug in drawn else None
    if failed is not None and failed.slug not in ROW_ACTIONS:
        forms[failed.slug] = failed_form

    dispatch_rows = []
    workable = {
        d.pk
        for purpose in (DispatchPurpose.TRANSFER, DispatchPurpose.INVESTIGATION)
        for d in workable_dispatches(user, ticket, purpose)
    }
    for dispatch in ticket.rows("dispatches"):
        form = None
        if dispatch.pk in workable and not ticket.is_closed:
            slug = "reply" if dispatch.purpose == DispatchPurpose.TRANSFER else "findings"
            if failed is not None and failed.slug == slug and _row_of(failed_form) == dispatch.pk:
                form = failed_form
            else:
                form = build_form(
                    ACTIONS[slug],
                    user,
                    ticket,
                    initial={"dispatch": dispatch.pk},
                    auto_id=f"{slug}{dispatch.pk}-%s",
                )
        dispatch_rows.append((dispatch, form))

    is_desk, is_manager = desk(user, ticket), manager(user, ticket)
    measure_rows = [
        (
            m,
            is_desk and not ticket.is_closed and m.done_at is None,
            is_manager and not ticket.is_closed and m.done_at is not None and m.verified_at is None,
        )
        for m in ticket.rows("measures")
    ]
    files = files_of(ticket) if ticket.attachments_count else []
    by_event = {a.event_id: a for a in files if a.event_id}
    timeline = Timeline(ticket, by_event)
    row_error = None
    if failed is not None and failed.slug in ROW_ACTIONS:
        row_error = failed_form
    # Where each action's form is on this page, for the steps and the refusals to link to.
    anchors = {slug: f"#{slug}" for slug in forms}
    primary_row = None
    for dispatch, form in dispatch_rows:
        if form is not None:
            anchors.setdefault(form.slug, f"#dispatch-{dispatch.pk}")
            if form.slug == primary and primary_row is None:
                primary_row = dispatch
    steps = [
        (step, anchors.get(mine, ""), others_step(user, ticket, step))
        for step, mine in the_lead.steps
    ]

    def entry(slug, is_primary=False):
        # A drawn form says what its button will do; a closed panel is the same on every page.
        action, form = ACTIONS[slug], forms[slug]
        if form is None:
            return mark_safe(  # noqa: S308 (drawn by an autoescaping template; a path of digits)
                _closed_panel(slug, get_language(), is_primary).replace(_TICKET_URL, ticket_url)
            )
        confirm = action.confirm % {"number": ticket.number} if action.confirm else ""
        return (slug, action.label, form, slug in (failed_slug, primary), confirm, "", is_primary)

    ticket_url = reverse("ticket_detail", kwargs={"pk": ticket.pk})

    context = {
        "ticket": ticket,
        "ticket_url": ticket_url,
        "time_zone": timezone.get_current_timezone_name(),
        "clocks": clocks(ticket),
        "kept": _kept_parts(ticket, timeline),
        **form_tokens(request),
        "dispatch_rows": dispatch_rows,
        "measure_rows": measure_rows,
        "return_visits": ticket.rows("return_visits"),
        "attachments": files,
        "offered": set(forms),
        "primary": entry(primary, True) if primary in forms else None,
        "primary_label": ACTIONS[primary].label if primary else "",
        "primary_row": primary_row,
        "steps": steps,
        "waiting": the_lead.waiting,
        "side": [entry(slug) for slug in SIDE_ORDER if slug in forms and slug != primary],
        "blockers": [(s.missing, link, others) for s, link, others in steps if s.blocks_close]
        if "close" in forms
        else [],
        "row_error": row_error,
        "conflict": conflict,
        "merged": ticket.merged_rows,
        "related": ticket.related_visible,
        # Canned replies beside the reply boxes (tickets/canned.py), filled on request.
        "canned_boxes": canned.BOXES if canned.may_use(user) else {},
    }
    # The content is a Jinja2 fragment (jinja2/tickets/detail.html, core/jinja2.py): in
    # Django's template language it was two thirds of the page's time (bench/README.md).
    # It reads no request, so none is given: with one, Django's Jinja2 backend puts into
    # this dict its `csrf_token`, a lazy value masking a new token each time it is read,
    # and the base page's `{% csrf_token %}` tags read that one, twice each (eleven masks
    # a page, 0.3 ms). Every form of the page carries the one token masked here.
    body = engines["jinja2"].get_template("tickets/detail.html").render(context)
    return render(
        request,
        "tickets/detail.html",
        {
            **context,
            "title": ticket.number,
            "body": mark_safe(body),  # noqa: S308  (an autoescaping template's output)
        },
        status=status,
    )


# What stands for the ticket's URL in a panel drawn once for every ticket (_closed_panel).
_TICKET_URL = "<wuyedesk-ticket>"


@functools.lru_cache(maxsize=256)
def _closed_panel(slug: str, language: str, is_primary: bool) -> str:
    """The panel of an action whose form is fetched when it is opened (action_form), in the
    active language (`language`, its key): the same on every ticket page but for the ticket's
    URL, written as _TICKET_URL. So it is drawn once per process, as the staff pages' frame
    is (core/templatetags/wuyedesk.py _drawn): a dozen of them, each translated and with its
    form's URL reversed, were a quarter of the ticket page's content (bench/README.md,
    session 18). Labels and URLs change only with a deploy."""
    action = ACTIONS[slug]
    opener = _("打开“%(label)s”表单") % {"label": action.label}
    return (
        engines["jinja2"]
        .get_template("tickets/action.html")
        .render(
            {
                "panels": [(slug, action.label, None, False, "", opener, is_primary)],
                "ticket_url": mark_safe(_TICKET_URL),  # noqa: S308 (our own constant)
            }
        )
    )


def _kept_parts(ticket, timeline) -> dict:
    """The timeline's rows (jinja2/tickets/timeline.html) and the customer's confirmation
    and rating (tickets/_rating.html), the same for every reader in a language: kept until
    an event or an attachment is added (Timeline.stamp). A confirmation and a rating each
    add their event (channels/services/ratings.py)."""
    key = make_template_fragment_key("ticket-parts", [ticket.pk, timeline.stamp, get_language()])
    parts = cache.get(key)
    if parts is None:
        parts = {
            "timeline": engines["jinja2"]
            .get_template("tickets/timeline.html")
            .render({"ticket": ticket, "timeline": timeline}),
            "rating": render_to_string("tickets/_rating.html", {"ticket": ticket}),
        }
        cache.set(key, parts, TIMELINE_SECONDS)
    # Both are autoescaping templates' output.
    return {name: mark_safe(html) for name, html in parts.items()}  # noqa: S308


def _row_of(form):
    value = form.data.get("dispatch", "")
    return int(value) if str(value).isdigit() else None


@staff_required
def ticket_detail(request, pk):
    return _page(request, selectors.ticket_get_for_page(request.user, pk))


@staff_required
@require_GET
def action_form(request, pk, action):
    """GET /tickets/<pk>/<action>/form/: the form of one action, fetched by the ticket page
    when its panel is opened; without htmx, the page with that panel open."""
    spec = ACTIONS.get(action)
    if spec is None or action in ROW_ACTIONS:
        raise Http404
    user = request.user
    ticket = selectors.ticket_get_for_page(user, pk)
    if not spec.permitted(user, ticket):
        raise PermissionDenied
    if not request.headers.get("HX-Request"):
        return redirect(f"{reverse('ticket_detail', kwargs={'pk': pk})}?open={action}#{action}")
    if not spec.offered(ticket):
        return HttpResponse(
            render_to_string("tickets/_action_gone.html", {"ticket": ticket}, request=request)
        )
    return render(
        request,
        "tickets/action_form.html",
        {
            "ticket": ticket,
            "ticket_url": reverse("ticket_detail", kwargs={"pk": ticket.pk}),
            "slug": action,
            "label": spec.label,
            "form": build_form(spec, user, ticket),
            "confirm": spec.confirm % {"number": ticket.number} if spec.confirm else "",
            "canned_boxes": canned.BOXES if canned.may_use(user) else {},
            **form_tokens(request),
        },
        using="jinja2",
    )


@staff_required
@require_POST
def ticket_action(request, pk, action):
    """POST /tickets/<pk>/<action>/: the one service of that action."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    user = request.user
    ticket = selectors.ticket_get_for_page(user, pk)
    if not spec.permitted(user, ticket):
        raise PermissionDenied
    extra = {}
    if action in ("reply", "findings"):
        row = request.POST.get("dispatch", "")
        extra["auto_id"] = f"{action}{row if row.isdigit() else ''}-%s"
    form = build_form(spec, user, ticket, data=request.POST, files=request.FILES, **extra)
    if form.is_valid():
        version = form.cleaned_data.get("version")
        try:
            if spec.versioned and version != ticket.version:
                raise TicketConflict(str(CONFLICT))
            spec.run(user, ticket, form, version if spec.versioned else None)
        except TicketConflict:
            messages.error(request, CONFLICT)
            fresh = selectors.ticket_get_for_page(user, pk)
            # The input stays, now against the version on screen: after reading what changed,
            # one deliberate click sends it again.
            data = request.POST.copy()
            data["version"] = fresh.version
            kept = build_form(spec, user, fresh, data=data, files=request.FILES, **extra)
            kept.is_valid()
            return _page(request, fresh, failed=spec, failed_form=kept, conflict=True, status=409)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, spec.done)
            return redirect(reverse("ticket_detail", kwargs={"pk": pk}) + f"#{spec.slug}")
    # Nothing was saved: the services roll back, so the page is drawn from the database again.
    fresh = selectors.ticket_get_for_page(user, pk)
    messages.error(request, _("未保存:请更正标出的错误。"))
    return _page(request, fresh, failed=spec, failed_form=form)


@staff_required
def attachment_download(request, pk, attachment_pk):
    ticket = selectors.ticket_get_for_user(request.user, pk)
    attachment = get_object_or_404(attachments_of(ticket), pk=attachment_pk)
    return uploaded_file(attachment)
