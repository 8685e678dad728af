"""The service desk under /api/v1/: tickets and one endpoint per action, the knowledge base,
incidents and tasks from superiors (issue #3 §13).

An endpoint parses its input, looks every id up in what the caller may see (a 422 naming the
field when it is not there), asks the page's own permission rule of the action, and calls the
one service. A stale `version` is a 409 and nothing changes.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.renderers import JSONRenderer

from wuyedesk.accounts.access import has_post, is_staff_member
from wuyedesk.accounts.choices import Post
from wuyedesk.api import errors
from wuyedesk.api import ticket_schemas as s
from wuyedesk.api.schemas import ErrorOut
from wuyedesk.properties.models import Building, Community, Room
from wuyedesk.properties.selectors import (
    buildings_visible_to,
    communities_visible_to,
    departments_visible_to,
    residents_visible_to,
    usable,
)
from wuyedesk.tickets import rows, selectors, services
from wuyedesk.tickets.actions import ACTIONS
from wuyedesk.tickets.assignments import services as tasks_services
from wuyedesk.tickets.categories import active_categories, active_category
from wuyedesk.tickets.choices import DispatchPurpose
from wuyedesk.tickets.knowledge import services as knowledge
from wuyedesk.tickets.knowledge.forms import KnowledgeArticleForm
from wuyedesk.tickets.services import TicketConflict

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
ACTION_ERRORS = {**ERRORS, 409: ErrorOut}
# What the list and the page of a ticket show beyond what the selectors fetch already.
ROOM_ADDRESS = ("building", "room__unit__building__community")


def _require_staff(request):
    if not is_staff_member(request.auth):
        raise PermissionDenied


def _unusable(field: str, message=None) -> ValidationError:
    message = message or _("找不到该记录,或不在您的权限范围内。")
    return ValidationError({field: ValidationError(message, code="invalid_choice")})


def _pick(queryset, pk, field: str):
    """The row `pk` of a scoped queryset, or a 422 on `field`: the id names nothing you may use.
    `queryset` may be a function making it, called only when an id was sent."""
    if pk is None:
        return None
    if callable(queryset):
        queryset = queryset()
    found = list(queryset.filter(pk=pk).order_by()[:1])  # one row by key: nothing to order
    if not found:
        raise _unusable(field)
    return found[0]


def _found(row, field: str):
    if row is None:
        raise _unusable(field)
    return row


def _usable(user, model, pk, field: str, *related: str):
    """`properties.selectors.usable`, or a 422 on `field`."""
    return None if pk is None else _found(usable(user, model, pk, *related), field)


def _pick_all(queryset, pks: list[int], field: str) -> list:
    wanted = list(dict.fromkeys(pks))
    found = {row.pk: row for row in queryset.filter(pk__in=wanted)}
    missing = [str(pk) for pk in wanted if pk not in found]
    if missing:
        message = _("找不到编号为 %(ids)s 的记录,或不在您的权限范围内。") % {
            "ids": ", ".join(missing)
        }
        raise _unusable(field, message)
    return [found[pk] for pk in wanted]


def _pick_staff(users, staff_id, field: str):
    """A person named by staff id among `users` (a queryset of accounts)."""
    if staff_id is None:
        return None
    found = users.filter(staff__id=staff_id).first()
    if found is None:
        raise _unusable(field, _("找不到该员工,或不能选择该员工。"))
    return found


def _page(queryset, limit: int, cursor: int | None, key=None) -> dict:
    """Keyset pagination by id, newest first: no COUNT, no OFFSET. Items are models, or
    what `key(item)` gives the id of (ids themselves with `key=int`)."""
    queryset = queryset.order_by("-id")
    if cursor is not None:
        queryset = queryset.filter(id__lt=cursor)
    items = list(queryset[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    last = (key(items[-1]) if key else items[-1].id) if more else None
    return {"items": items, "next_cursor": last}


# ---------------------------------------------------------------- tickets

tickets = Router(tags=["tickets"])


def _ticket(request, pk):
    """The ticket with its dispatches, measures and return visits; 404 outside the scope."""
    _require_staff(request)
    return selectors.ticket_get_for_page(request.auth, pk)


@tickets.get("", response={200: s.TicketPage, **ERRORS}, operation_id="ticket_list")
def ticket_list(request, filters: Query[s.TicketFilters]):
    """The queues of the pages, with the same filters. Newest first, keyset-paginated (the
    pages' soonest-deadline-first order is each item's `next_due`). To search by a phone
    number, use POST /tickets/search: a number in a URL ends up in logs."""
    return _list(request, filters)


@tickets.post("/search", response={200: s.TicketPage, **ERRORS}, operation_id="ticket_search")
def ticket_search(request, filters: s.TicketFilters):
    """The same list with the filters in the body, so that a searched phone number never
    appears in a URL (PIPL)."""
    return _list(request, filters)


def _list(request, f):
    _require_staff(request)
    queryset = selectors.queue(
        request.auth, f.queue, department_id=f.department if f.queue == "department" else None
    )
    queryset = selectors.filter_tickets(
        queryset,
        community=f.community,
        kind=f.kind or "",
        category=f.category,
        status=f.status or "",
        severity=f.severity or "",
        channel=f.channel or "",
        date_from=f.date_from,
        date_to=f.date_to,
        resident=f.resident,
        department=f.department if f.queue != "department" else None,
    )
    queryset = selectors.search(queryset, f.q or "").values_list("id", flat=True)
    page = _page(queryset, f.limit, f.cursor, key=int)
    page["items"] = rows.api_items(rows.by_ids(page["items"], rows.LIST_COLUMNS))
    # Already in TicketPage's shape: rendered as is, without pydantic building 50 models.
    return HttpResponse(
        JSONRenderer().render(request, page, response_status=200),
        content_type=f"{JSONRenderer.media_type}; charset={JSONRenderer.charset}",
    )


@tickets.post("", response={201: s.TicketOut, **ERRORS}, operation_id="ticket_create")
def ticket_create(request, payload: s.TicketIn):
    """Record a contact. With `answer`, an inquiry is answered and closed at first contact.

    Answers with the ticket as the list shows it; its timeline is at GET /tickets/{id}."""
    _require_staff(request)
    user = request.auth
    if not has_post(user, *services.INTAKE_POSTS):
        raise PermissionDenied
    p = payload

    def scoped(selector, *related):
        return lambda: selector(user).filter(archived_at__isnull=True).select_related(*related)

    room = _usable(user, Room, p.room, "room", "community", "unit__building__community")
    building = _usable(user, Building, p.building, "building", "community")
    community = _usable(user, Community, p.community, "community")
    resident = _pick(scoped(residents_visible_to), p.resident, "resident")
    if room is None and building is None and community is None and resident is not None:
        # As at intake: without a room the ticket belongs to the resident's own community.
        community = _pick(communities_visible_to(user), resident.community_id, "room")
    ticket = services.ticket_create(
        by=user,
        kind=p.kind,
        channel=p.channel,
        category=_found(active_category(p.category), "category"),
        severity=p.severity,
        title=p.title,
        description=p.description,
        contact_at=p.contact_at,
        answer=p.answer.strip(),
        resident=resident,
        room=room,
        building=building,
        community=community,
    )
    # The service's ticket holds every related row the answer shows: no second read.
    return Status(201, ticket)


@tickets.get("/{pk}", response={200: s.TicketDetailOut, **ERRORS}, operation_id="ticket_get")
def ticket_get(request, pk: int):
    """The ticket with its timeline, dispatches, measures, return visits and clocks."""
    return _ticket(request, pk)


def _act(request, pk, slug: str, payload, run):
    """One action: the page's permission rule (403), the version (409), the service."""
    user = request.auth
    ticket = _ticket(request, pk)
    if not ACTIONS[slug].permitted(user, ticket):
        raise PermissionDenied
    if payload.version is not None and payload.version != ticket.version:
        raise TicketConflict(_("工单已被他人修改,请刷新后重试。"))
    run(user, ticket, payload.version)
    return selectors.ticket_get_for_page(user, pk)


def _action(path: str, operation_id: str):
    return tickets.post(
        f"/{{pk}}/{path}",
        response={200: s.TicketDetailOut, **ACTION_ERRORS},
        operation_id=operation_id,
    )


@_action("transfer", "ticket_transfer")
def ticket_transfer(request, pk: int, payload: s.TransferIn):
    """Send the ticket to a department (or move it to another), with the reason."""

    def run(user, ticket, version):
        department = _pick(
            departments_visible_to(user).filter(archived_at__isnull=True),
            payload.department,
            "department",
        )
        people = selectors.department_people([department])
        assignee = _pick_staff(people, payload.assignee, "assignee")
        services.ticket_transfer(
            by=user,
            ticket=ticket,
            department=department,
            assignee=assignee,
            note=payload.note,
            version=version,
        )

    return _act(request, pk, "transfer", payload, run)


def _dispatch(ticket, pk: int, purpose: str):
    found = [d for d in ticket.dispatches.all() if d.pk == pk and d.purpose == purpose]
    if not found:
        raise _unusable("dispatch", _("该工单没有这项部门任务。"))
    return found[0]


def _dispatch_text(request, pk, payload, slug, purpose):
    def run(user, ticket, version):
        dispatch = _dispatch(ticket, payload.dispatch, purpose)
        services.dispatch_reply(by=user, dispatch=dispatch, text=payload.text, version=version)

    return _act(request, pk, slug, payload, run)


@_action("reply", "ticket_reply")
def ticket_reply(request, pk: int, payload: s.DispatchTextIn):
    """The department's answer to a transfer."""
    return _dispatch_text(request, pk, payload, "reply", DispatchPurpose.TRANSFER)


@_action("findings", "ticket_findings")
def ticket_findings(request, pk: int, payload: s.DispatchTextIn):
    """A department's findings for its investigation task."""
    return _dispatch_text(request, pk, payload, "findings", DispatchPurpose.INVESTIGATION)


@_action("follow-up", "ticket_follow_up")
def ticket_follow_up(request, pk: int, payload: s.ContactIn):
    """A recorded contact with the customer: the only thing that meets the follow-up deadline."""

    def run(user, ticket, version):
        services.ticket_follow_up(
            by=user, ticket=ticket, channel=payload.channel, text=payload.text, version=version
        )

    return _act(request, pk, "follow_up", payload, run)


@_action("escalate", "ticket_escalate")
def ticket_escalate(request, pk: int, payload: s.ReasonIn):
    """Report a complaint to the manager by hand; the investigation clock starts."""

    def run(user, ticket, version):
        services.ticket_escalate(by=user, ticket=ticket, reason=payload.reason, version=version)

    return _act(request, pk, "escalate", payload, run)


@_action("investigation", "ticket_investigate")
def ticket_investigate(request, pk: int, payload: s.InvestigationIn):
    """The manager gives one or more departments an investigation task (manager)."""

    def run(user, ticket, version):
        departments = _pick_all(
            departments_visible_to(user).filter(archived_at__isnull=True),
            payload.departments,
            "departments",
        )
        services.ticket_investigate(
            by=user, ticket=ticket, departments=departments, note=payload.note, version=version
        )

    return _act(request, pk, "investigate", payload, run)


@_action("decision", "ticket_decide")
def ticket_decide(request, pk: int, payload: s.DecisionIn):
    """The manager's decision and corrective measures (manager)."""

    def run(user, ticket, version):
        departments = departments_visible_to(user).filter(archived_at__isnull=True)
        owners = selectors.staff_users(
            communities=[ticket.community_id], posts=[*services.DESK_POSTS, Post.DEPARTMENT]
        )
        measures = [
            {
                "what": m.what,
                "department": _pick(departments, m.department, f"measures.{i}.department"),
                "owner": _pick_staff(owners, m.owner, f"measures.{i}.owner"),
                "due": m.due,
            }
            for i, m in enumerate(payload.measures)
        ]
        services.ticket_decide(
            by=user, ticket=ticket, decision=payload.decision, measures=measures, version=version
        )

    return _act(request, pk, "decide", payload, run)


@tickets.post(
    "/{pk}/measures/{measure_pk}",
    response={200: s.TicketDetailOut, **ACTION_ERRORS},
    operation_id="ticket_measure_mark",
)
def ticket_measure_mark(request, pk: int, measure_pk: int, payload: s.MeasureMarkIn):
    """Mark a corrective measure done, or verified (manager)."""

    def run(user, ticket, version):
        measure = next((m for m in ticket.measures.all() if m.pk == measure_pk), None)
        if measure is None:
            raise Http404  # a path that names no measure of this ticket
        if not (payload.done or payload.verified):
            raise ValidationError(
                {"done": ValidationError(_("请标记完成或验证。"), code="required")}
            )
        if payload.done and not payload.verified and measure.done_at is not None:
            raise ValidationError(_("该措施已标记完成。"), code="invalid_state")
        services.measure_mark(
            by=user, measure=measure, done=payload.done, verified=payload.verified
        )

    return _act(request, pk, "measure", payload, run)


@_action("feedback", "ticket_feedback")
def ticket_feedback(request, pk: int, payload: s.ContactIn):
    """Tell the customer the result; the return-visit clock starts."""

    def run(user, ticket, version):
        services.ticket_feedback(
            by=user, ticket=ticket, channel=payload.channel, text=payload.text, version=version
        )

    return _act(request, pk, "feedback", payload, run)


@_action("return-visit", "ticket_return_visit")
def ticket_return_visit(request, pk: int, payload: s.ReturnVisitIn):
    """Record a return visit. Not satisfied reopens a complaint to the manager."""

    def run(user, ticket, version):
        services.ticket_return_visit(
            by=user,
            ticket=ticket,
            channel=payload.channel,
            reached=payload.reached,
            satisfaction=payload.satisfaction,
            words=payload.words,
            version=version,
        )

    return _act(request, pk, "return_visit", payload, run)


@_action("reopen", "ticket_reopen")
def ticket_reopen(request, pk: int, payload: s.ReasonIn):
    """Reopen a closed (or resolved) ticket, with the reason; its clocks start again."""

    def run(user, ticket, version):
        services.ticket_reopen(by=user, ticket=ticket, reason=payload.reason, version=version)

    return _act(request, pk, "reopen", payload, run)


@_action("close", "ticket_close")
def ticket_close(request, pk: int, payload: s.CloseIn):
    """Close; a complaint only after feedback and a return visit."""

    def run(user, ticket, version):
        services.ticket_close(by=user, ticket=ticket, note=payload.note, version=version)

    return _act(request, pk, "close", payload, run)


@_action("link", "ticket_link")
def ticket_link(request, pk: int, payload: s.LinkIn):
    """Link a related ticket (both stay open), or undo the link with `remove`."""
    user = request.auth
    ticket = _ticket(request, pk)
    if not ACTIONS["link"].permitted(user, ticket):
        raise PermissionDenied
    other = _pick(selectors.tickets_visible_to(user), payload.other, "other")
    services.ticket_link(by=user, ticket=ticket, other=other, remove=payload.remove)
    return selectors.ticket_get_for_page(user, pk)


@_action("merge", "ticket_merge")
def ticket_merge(request, pk: int, payload: s.MergeIn):
    """Close this duplicate into another ticket of the same community and the same kind
    (422 `kind_mismatch` otherwise). Across kinds only the manager, with `reason` (audited)."""

    def run(user, ticket, version):
        into = _pick(selectors.tickets_visible_to(user), payload.into, "into")
        services.ticket_merge(
            by=user, ticket=ticket, into=into, reason=payload.reason, version=version
        )

    return _act(request, pk, "merge", payload, run)


@_action("comment", "ticket_comment")
def ticket_comment(request, pk: int, payload: s.CommentIn):
    """An internal note, or (`public`) a message to the customer."""

    def run(user, ticket, version):
        services.ticket_comment(
            by=user,
            ticket=ticket,
            text=payload.text,
            public=payload.public,
            channel=payload.channel if payload.public else "",
        )

    return _act(request, pk, "message" if payload.public else "comment", payload, run)


@_action("assign", "ticket_assign")
def ticket_assign(request, pk: int, payload: s.AssignIn):
    """Make a customer-service staff member of the ticket's community its owner."""

    def run(user, ticket, version):
        owners = selectors.staff_users(communities=[ticket.community_id], posts=services.DESK_POSTS)
        owner = _pick_staff(owners, payload.owner, "owner")
        services.ticket_assign(by=user, ticket=ticket, owner=owner, version=version)

    return _act(request, pk, "assign", payload, run)


@_action("acknowledge", "ticket_acknowledge")
def ticket_acknowledge(request, pk: int, payload: s.Versioned):
    """The manager has seen a major complaint or emergency (manager)."""

    def run(user, ticket, version):
        services.ticket_acknowledge(by=user, ticket=ticket)

    return _act(request, pk, "acknowledge", payload, run)


# ---------------------------------------------------------------- knowledge

articles = Router(tags=["knowledge"])


@articles.get("", response={200: s.KnowledgePage, **ERRORS}, operation_id="knowledge_list")
def knowledge_list(request, filters: Query[s.KnowledgeFilters]):
    """Standard answers containing every word of `q`, of a category (its parent, children)."""
    _require_staff(request)
    user = request.auth
    category = _pick(active_categories().select_related("parent"), filters.category, "category")
    queryset = knowledge.articles_visible_to(user).select_related("updated_by__staff")
    if not (filters.archived and knowledge.may_edit_articles(user)):
        queryset = queryset.filter(active=True)
    queryset = knowledge.article_filter(queryset, filters.q or "", category)
    return _page(queryset, filters.limit, filters.cursor)


@articles.get("/{pk}", response={200: s.KnowledgeOut, **ERRORS}, operation_id="knowledge_get")
def knowledge_get(request, pk: int):
    _require_staff(request)
    return knowledge.article_get_for_user(request.auth, pk)


def _article_save(request, article, data: dict):
    form = KnowledgeArticleForm(data, instance=article, user=request.auth)
    saved = knowledge.article_save(by=request.auth, form=form)
    return knowledge.article_get_for_user(request.auth, saved.pk)


@articles.post("", response={201: s.KnowledgeOut, **ERRORS}, operation_id="knowledge_create")
def knowledge_create(request, payload: s.KnowledgeIn):
    """A new standard answer (manager, assistant)."""
    _require_staff(request)
    return Status(201, _article_save(request, None, payload.model_dump()))


@articles.patch(
    "/{pk}", response={200: s.KnowledgeOut, **ACTION_ERRORS}, operation_id="knowledge_update"
)
def knowledge_update(request, pk: int, payload: s.KnowledgePatch):
    """A new version of the answer (manager, assistant); a stale `version` is a 409."""
    _require_staff(request)
    article = knowledge.article_get_for_user(request.auth, pk)
    if payload.version is not None and payload.version != article.version:
        raise HttpError(409, _("该条目已被他人修改,请刷新后重试。"))
    data = model_to_dict(article, fields=list(KnowledgeArticleForm.base_fields))
    data.update({k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None})
    data["seen_version"] = data.pop("version", None) or article.version
    return _article_save(request, article, data)


# ---------------------------------------------------------------- incidents

incidents = Router(tags=["incidents"])


def _incident_detail(user, incident):
    linked = selectors.tickets_visible_to(user).filter(incident=incident).order_by("-id")
    incident.tickets_seen = list(linked.only("id", "number", "title", "status")[:500])
    return incident


@incidents.get("", response={200: s.IncidentPage, **ERRORS}, operation_id="incident_list")
def incident_list(request, filters: Query[s.IncidentFilters]):
    _require_staff(request)
    queryset = selectors.incidents_visible_to(request.auth)
    if filters.open is not None:
        queryset = queryset.filter(closed_at__isnull=filters.open)
    return _page(queryset, filters.limit, filters.cursor)


@incidents.post("", response={201: s.IncidentDetailOut, **ERRORS}, operation_id="incident_create")
def incident_create(request, payload: s.IncidentIn):
    """One event many residents report (lift out of service in building 3), with its tickets."""
    _require_staff(request)
    user = request.auth
    if not has_post(user, *services.DESK_POSTS):
        raise PermissionDenied
    p = payload
    incident = services.incident_create(
        by=user,
        community=_pick(
            communities_visible_to(user).filter(archived_at__isnull=True), p.community, "community"
        ),
        building=_pick(
            buildings_visible_to(user).filter(archived_at__isnull=True), p.building, "building"
        ),
        title=p.title,
        description=p.description,
        severity=p.severity,
        tickets=_pick_all(selectors.tickets_visible_to(user), p.tickets, "tickets"),
    )
    return Status(201, _incident_detail(user, selectors.incident_get_for_user(user, incident.pk)))


@incidents.get("/{pk}", response={200: s.IncidentDetailOut, **ERRORS}, operation_id="incident_get")
def incident_get(request, pk: int):
    _require_staff(request)
    return _incident_detail(request.auth, selectors.incident_get_for_user(request.auth, pk))


@incidents.post(
    "/{pk}/tickets", response={200: s.IncidentDetailOut, **ERRORS}, operation_id="incident_link"
)
def incident_link(request, pk: int, payload: s.IncidentLinkIn):
    """Link one more ticket of the incident's community."""
    _require_staff(request)
    user = request.auth
    incident = selectors.incident_get_for_user(user, pk)
    ticket = _pick(selectors.tickets_visible_to(user), payload.ticket, "ticket")
    services.incident_link(by=user, incident=incident, ticket=ticket)
    return _incident_detail(user, incident)


@incidents.post(
    "/{pk}/updates", response={200: s.IncidentUpdateOut, **ERRORS}, operation_id="incident_update"
)
def incident_update(request, pk: int, payload: s.IncidentUpdateIn):
    """One update on the customer-visible timeline of every open linked ticket."""
    _require_staff(request)
    user = request.auth
    incident = selectors.incident_get_for_user(user, pk)
    reached = services.incident_update(
        by=user, incident=incident, text=payload.text, close=payload.close
    )
    return {"reached": reached, "incident": _incident_detail(user, incident)}


# ---------------------------------------------------------------- tasks

tasks = Router(tags=["tasks"])


@tasks.get("", response={200: s.TaskPage, **ERRORS}, operation_id="task_list")
def task_list(request, filters: Query[s.TaskFilters]):
    """Tasks given to me and tasks I gave."""
    _require_staff(request)
    queryset = selectors.tasks_of(request.auth, filters.scope)
    if filters.done is not None:
        queryset = queryset.filter(done_at__isnull=not filters.done)
    return _page(queryset, filters.limit, filters.cursor)


@tasks.post("", response={201: s.TaskOut, **ERRORS}, operation_id="task_create")
def task_create(request, payload: s.TaskIn):
    """Give a staff member of my communities a task with a deadline (manager)."""
    _require_staff(request)
    user = request.auth
    if not tasks_services.may_give_tasks(user):
        raise PermissionDenied
    p = payload
    assignees = selectors.task_assignees_for(user)
    task = tasks_services.task_create(
        by=user,
        assignee=_pick_staff(assignees, p.assignee, "assignee"),
        title=p.title,
        description=p.description,
        due=p.due,
        ticket=_pick(selectors.tickets_visible_to(user), p.ticket, "ticket"),
    )
    return Status(201, selectors.task_get_for_user(user, task.pk))


@tasks.get("/{pk}", response={200: s.TaskOut, **ERRORS}, operation_id="task_get")
def task_get(request, pk: int):
    _require_staff(request)
    return selectors.task_get_for_user(request.auth, pk)


@tasks.post("/{pk}/done", response={200: s.TaskOut, **ERRORS}, operation_id="task_done")
def task_done(request, pk: int, payload: s.TaskDoneIn):
    """Report my task done (the person it was given to)."""
    _require_staff(request)
    user = request.auth
    task = selectors.task_get_for_user(user, pk)
    tasks_services.task_done(by=user, task=task, result=payload.result)
    return selectors.task_get_for_user(user, pk)


# ---------------------------------------------------------------- registration


def register(api) -> None:
    """Add the routers and the 409 of a stale version to the API (before its fallback route)."""

    @api.exception_handler(TicketConflict)
    def on_conflict(request, exc):
        return api.create_response(request, errors.error_body("conflict", str(exc)), status=409)

    api.add_router("/tickets", tickets)
    api.add_router("/knowledge", articles)
    api.add_router("/incidents", incidents)
    api.add_router("/tasks", tasks)
