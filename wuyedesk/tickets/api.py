"""The service desk under /api/v1/: tickets and one endpoint per action (`router`, mounted at
/tickets) and incidents (`incident_router`, at /incidents) (issue #3 §13). The knowledge base's
and the tasks' endpoints are knowledge/api.py and assignments/api.py; wuyedesk.api.main mounts
all four and answers TicketConflict with 409.

An endpoint parses its input, looks every id up in what the caller may see (a 422 naming the
field when it is not there), asks the page's own permission rule of the action, and calls the
one service. A stale `version` is a 409 and nothing changes.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from wuyedesk.accounts.access import is_staff_member
from wuyedesk.accounts.choices import Post
from wuyedesk.api.schemas import ErrorOut
from wuyedesk.properties.models import Building, Community, Room
from wuyedesk.properties.selectors import (
    active_buildings,
    active_communities,
    active_departments,
    communities_visible_to,
    residents_visible_to,
    usable,
)
from wuyedesk.tickets import rows, selectors, services
from wuyedesk.tickets import schemas as s
from wuyedesk.tickets.actions import ACTIONS
from wuyedesk.tickets.categories import active_category
from wuyedesk.tickets.choices import DispatchPurpose
from wuyedesk.tickets.export import QUEUES as QUEUE_LABELS
from wuyedesk.tickets.export import filtered, ticket_export
from wuyedesk.tickets.intake_calls import call_source, recorded_from
from wuyedesk.tickets.services import TicketConflict

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
ACTION_ERRORS = {**ERRORS, 409: ErrorOut}
# What the list and the page of a ticket show beyond what the selectors fetch already.
ROOM_ADDRESS = ("building", "room__unit__building__community")


def require_staff(request):
    if not is_staff_member(request.auth):
        raise PermissionDenied


def _unusable(field: str, message=None) -> ValidationError:
    message = message or _("找不到该记录,或不在您的权限范围内。")
    return ValidationError({field: ValidationError(message, code="invalid_choice")})


def pick(queryset, pk, field: str):
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


def pick_staff(users, staff_id, field: str):
    """A person named by staff id among `users` (a queryset of accounts)."""
    if staff_id is None:
        return None
    found = users.filter(staff__id=staff_id).first()
    if found is None:
        raise _unusable(field, _("找不到该员工,或不能选择该员工。"))
    return found


def keyset_page(queryset, limit: int, cursor: int | None, key=None) -> dict:
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

router = Router(tags=["tickets"])


def _ticket(request, pk):
    """The ticket with its dispatches, measures and return visits; 404 outside the scope."""
    require_staff(request)
    return selectors.ticket_get_for_page(request.auth, pk)


@router.get("", response={200: s.TicketPage, **ERRORS}, operation_id="ticket_list")
def ticket_list(request, filters: Query[s.TicketFilters]):
    """The queues of the pages, with the same filters. Newest first, keyset-paginated (the
    pages' soonest-deadline-first order is each item's `next_due`). To search by a phone
    number, use POST /tickets/search: a number in a URL ends up in logs."""
    return _list(request, filters)


@router.post("/search", response={200: s.TicketPage, **ERRORS}, operation_id="ticket_search")
def ticket_search(request, filters: s.TicketFilters):
    """The same list with the filters in the body, so that a searched phone number never
    appears in a URL (PIPL)."""
    return _list(request, filters)


def _list(request, f):
    require_staff(request)
    queryset = filtered(request.auth, f.queue, f.dict()).values_list("id", flat=True)
    page = keyset_page(queryset, f.limit, f.cursor, key=int)
    page["items"] = rows.list_items(page["items"])
    # Validated by pydantic from the rows' dicts; ninja answers with the page as it is.
    return s.TicketPage.model_validate(page)


XLSX = {200: None, **ERRORS}


@router.get("/export.xlsx", response=XLSX, operation_id="ticket_export")
def ticket_export_get(request, filters: Query[s.TicketFilters]):
    """The list with the same filters as a workbook, in the page's order (soonest deadline
    first; `limit` and `cursor` are ignored), within the export right (403 without it).
    Phone numbers masked unless the post may reveal them (then logged). More than
    EXPORT_MAX_ROWS (20,000) tickets: 422 `too_many`. To search by a phone number, POST."""
    return _export(request, filters)


@router.post("/export.xlsx", response=XLSX, operation_id="ticket_export_search")
def ticket_export_post(request, filters: s.TicketFilters):
    """The same with the filters in the body (a phone number never in a URL)."""
    return _export(request, filters)


def _export(request, f):
    require_staff(request)
    label = str(QUEUE_LABELS.get(f.queue, f.queue))
    return ticket_export(user=request.auth, queue=f.queue, label=label, data=f.dict())


@router.post("", response={201: s.TicketOut, **ERRORS}, operation_id="ticket_create")
def ticket_create(request, payload: s.TicketIn):
    """Record a contact. With `answer`, an inquiry is answered and closed at first contact.

    Answers with the ticket as the list shows it; its timeline is at GET /tickets/{id}."""
    require_staff(request)
    user = request.auth
    if not services.may_record_contacts(user):
        raise PermissionDenied
    p = payload

    def scoped(selector, *related):
        return lambda: selector(user).filter(archived_at__isnull=True).select_related(*related)

    room = _usable(user, Room, p.room, "room", "community", "unit__building__community")
    building = _usable(user, Building, p.building, "building", "community")
    community = _usable(user, Community, p.community, "community")
    resident = pick(scoped(residents_visible_to), p.resident, "resident")
    if room is None and building is None and community is None and resident is not None:
        # As at intake: without a room the ticket belongs to the resident's own community.
        community = pick(communities_visible_to(user), resident.community_id, "room")
    source = call_source(user, p.call)  # a PBX call, as the page's `?call=`
    ticket = recorded_from(
        user,
        source,
        lambda: services.ticket_create(
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
        ),
    )
    # The service's ticket holds every related row the answer shows: no second read.
    return Status(201, ticket)


@router.get("/{pk}", response={200: s.TicketDetailOut, **ERRORS}, operation_id="ticket_get")
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
    return router.post(
        f"/{{pk}}/{path}",
        response={200: s.TicketDetailOut, **ACTION_ERRORS},
        operation_id=operation_id,
    )


@_action("transfer", "ticket_transfer")
def ticket_transfer(request, pk: int, payload: s.TransferIn):
    """Send the ticket to a department (or move it to another), with the reason."""

    def run(user, ticket, version):
        department = pick(
            active_departments(user),
            payload.department,
            "department",
        )
        people = selectors.department_people([department])
        assignee = pick_staff(people, payload.assignee, "assignee")
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
    found = [d for d in ticket.rows("dispatches") if d.pk == pk and d.purpose == purpose]
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
            active_departments(user),
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
        departments = active_departments(user)
        owners = selectors.staff_users(
            communities=[ticket.community_id], posts=[*services.DESK_POSTS, Post.DEPARTMENT]
        )
        measures = [
            {
                "what": m.what,
                "department": pick(departments, m.department, f"measures.{i}.department"),
                "owner": pick_staff(owners, m.owner, f"measures.{i}.owner"),
                "due": m.due,
            }
            for i, m in enumerate(payload.measures)
        ]
        services.ticket_decide(
            by=user, ticket=ticket, decision=payload.decision, measures=measures, version=version
        )

    return _act(request, pk, "decide", payload, run)


@router.post(
    "/{pk}/measures/{measure_pk}",
    response={200: s.TicketDetailOut, **ACTION_ERRORS},
    operation_id="ticket_measure_mark",
)
def ticket_measure_mark(request, pk: int, measure_pk: int, payload: s.MeasureMarkIn):
    """Mark a corrective measure done, or verified (manager)."""

    def run(user, ticket, version):
        measure = next((m for m in ticket.rows("measures") if m.pk == measure_pk), None)
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
    other = pick(selectors.tickets_visible_to(user), payload.other, "other")
    services.ticket_link(by=user, ticket=ticket, other=other, remove=payload.remove)
    return selectors.ticket_get_for_page(user, pk)


@_action("merge", "ticket_merge")
def ticket_merge(request, pk: int, payload: s.MergeIn):
    """Close this duplicate into another ticket of the same community and the same kind
    (422 `kind_mismatch` otherwise). Across kinds only the manager, with `reason` (audited)."""

    def run(user, ticket, version):
        into = pick(selectors.tickets_visible_to(user), payload.into, "into")
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
        owner = pick_staff(owners, payload.owner, "owner")
        services.ticket_assign(by=user, ticket=ticket, owner=owner, version=version)

    return _act(request, pk, "assign", payload, run)


@_action("receipt", "ticket_acknowledge_receipt")
def ticket_acknowledge_receipt(request, pk: int, payload: s.ReceiptIn):
    """Record that the customer was told their contact is recorded (ISO 10002
    acknowledgement) when it did not happen at intake: a timeline row of its own."""

    def run(user, ticket, version):
        services.ticket_acknowledge_receipt(
            by=user, ticket=ticket, method=payload.method, note=payload.note
        )

    return _act(request, pk, "receipt", payload, run)


@_action("acknowledge", "ticket_acknowledge")
def ticket_acknowledge(request, pk: int, payload: s.Versioned):
    """The manager has seen a major complaint or emergency (manager)."""

    def run(user, ticket, version):
        services.ticket_acknowledge(by=user, ticket=ticket)

    return _act(request, pk, "acknowledge", payload, run)


# ---------------------------------------------------------------- incidents

incident_router = Router(tags=["incidents"])


def _incident_detail(user, incident):
    linked = selectors.tickets_visible_to(user).filter(incident=incident).order_by("-id")
    incident.tickets_seen = list(linked.only("id", "number", "title", "status")[:500])
    return incident


@incident_router.get("", response={200: s.IncidentPage, **ERRORS}, operation_id="incident_list")
def incident_list(request, filters: Query[s.IncidentFilters]):
    require_staff(request)
    queryset = selectors.incidents_visible_to(request.auth)
    if filters.open is not None:
        queryset = queryset.filter(closed_at__isnull=filters.open)
    return keyset_page(queryset, filters.limit, filters.cursor)


@incident_router.post(
    "", response={201: s.IncidentDetailOut, **ERRORS}, operation_id="incident_create"
)
def incident_create(request, payload: s.IncidentIn):
    """One event many residents report (lift out of service in building 3), with its tickets."""
    require_staff(request)
    user = request.auth
    if not services.may_run_incidents(user):
        raise PermissionDenied
    p = payload
    incident = services.incident_create(
        by=user,
        community=pick(active_communities(user), p.community, "community"),
        building=pick(active_buildings(user), p.building, "building"),
        title=p.title,
        description=p.description,
        severity=p.severity,
        tickets=_pick_all(selectors.tickets_visible_to(user), p.tickets, "tickets"),
    )
    return Status(201, _incident_detail(user, selectors.incident_get_for_user(user, incident.pk)))


@incident_router.get(
    "/{pk}", response={200: s.IncidentDetailOut, **ERRORS}, operation_id="incident_get"
)
def incident_get(request, pk: int):
    require_staff(request)
    return _incident_detail(request.auth, selectors.incident_get_for_user(request.auth, pk))


@incident_router.post(
    "/{pk}/tickets", response={200: s.IncidentDetailOut, **ERRORS}, operation_id="incident_link"
)
def incident_link(request, pk: int, payload: s.IncidentLinkIn):
    """Link one more ticket of the incident's community."""
    require_staff(request)
    user = request.auth
    incident = selectors.incident_get_for_user(user, pk)
    ticket = pick(selectors.tickets_visible_to(user), payload.ticket, "ticket")
    services.incident_link(by=user, incident=incident, ticket=ticket)
    return _incident_detail(user, incident)


@incident_router.post(
    "/{pk}/updates", response={200: s.IncidentUpdateOut, **ERRORS}, operation_id="incident_update"
)
def incident_update(request, pk: int, payload: s.IncidentUpdateIn):
    """One update on the customer-visible timeline of every open linked ticket."""
    require_staff(request)
    user = request.auth
    incident = selectors.incident_get_for_user(user, pk)
    reached = services.incident_update(
        by=user, incident=incident, text=payload.text, close=payload.close
    )
    return {"reached": reached, "incident": _incident_detail(user, incident)}


# --- the global search (#12 point 4): /api/v1/search ----------------------------------------
