"""/api/v1/improvements: the improvement plan's items (SUR-3, MGR-3).

Every id a client sends is looked up in what that client may see (a 422 naming the field
when it is not there); an item outside the caller's scope is a 404; an action the caller's
post may not take is a 403.
"""

from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from wuyedesk.accounts.access import is_staff_member
from wuyedesk.api.schemas import MAX_ID, Day, ErrorOut, Id, Text, Title
from wuyedesk.improvements import selectors, services
from wuyedesk.improvements.choices import ItemStatus, Source
from wuyedesk.properties.selectors import communities_visible_to, departments_visible_to
from wuyedesk.reports.survey_analysis import finding_refs, item_effect
from wuyedesk.tickets.selectors import task_assignees_for

router = Router(tags=["improvements"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}

StatusName = Literal[tuple(ItemStatus.values)]
SourceName = Literal[tuple(Source.values)]
PlannedSource = Literal[tuple(s for s in Source.values if s != Source.COMPLAINT)]


class UpdateOut(Schema):
    id: int
    text: str
    status: str
    by: str
    at: str

    @staticmethod
    def resolve_by(obj):
        staff = getattr(obj.by, "staff", None)
        return staff.name if staff else obj.by.get_username()

    @staticmethod
    def resolve_at(obj):
        return obj.at.isoformat()


class ItemOut(Schema):
    id: int
    title: str
    source: SourceName
    status: StatusName
    overdue: bool
    community_id: int | None
    department_id: int
    department: str
    owner_staff_id: int | None
    owner: str | None
    measures: str
    due: str
    ticket_id: int | None
    measure_id: int | None
    campaign_id: int | None
    dimension_id: int | None
    created_at: str
    done_at: str | None
    verified_at: str | None
    verification_note: str

    @staticmethod
    def resolve_status(obj):
        return obj.status_now

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue

    @staticmethod
    def resolve_department(obj):
        return obj.department.name

    @staticmethod
    def resolve_owner_staff_id(obj):
        return obj.owner.staff.pk if obj.owner_id and hasattr(obj.owner, "staff") else None

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.staff.name if obj.owner_id and hasattr(obj.owner, "staff") else None

    @staticmethod
    def resolve_due(obj):
        return obj.due.isoformat()

    @staticmethod
    def resolve_ticket_id(obj):
        return obj.measure.ticket_id if obj.measure_id else None

    @staticmethod
    def resolve_created_at(obj):
        return obj.created_at.isoformat()

    @staticmethod
    def resolve_done_at(obj):
        return obj.done_at_now.isoformat() if obj.done_at_now else None

    @staticmethod
    def resolve_verified_at(obj):
        return obj.verified_at.isoformat() if obj.verified_at else None


class ItemDetailOut(ItemOut):
    updates: list[UpdateOut]
    effect: dict | None = Field(
        None, description="survey items: before/after figures of the dimension and community"
    )

    @staticmethod
    def resolve_updates(obj):
        return obj.update_rows

    @staticmethod
    def resolve_effect(obj):
        return obj.effect


class ItemPage(Schema):
    items: list[ItemOut]
    next_cursor: int | None = None


class ItemFilters(Schema):
    department: int | None = Field(None, ge=1, le=MAX_ID)
    community: int | None = Field(None, ge=1, le=MAX_ID)
    status: StatusName | None = None
    source: SourceName | None = None
    overdue: bool = False
    campaign: int | None = Field(None, ge=1, le=MAX_ID)
    limit: int = Field(50, ge=1, le=200)
    cursor: int | None = Field(None, ge=0, le=MAX_ID)


class ItemIn(Schema):
    title: Title
    source: PlannedSource
    department: Id
    measures: Text
    due: Day
    community: Id | None = None
    owner: Id | None = Field(None, description="staff id")
    campaign: Id | None = Field(None, description="survey findings: the campaign")
    dimension: Id | None = Field(None, description="survey findings: the dimension")


class ItemPatch(Schema):
    title: Title | None = None
    department: Id | None = None
    measures: Text | None = None
    due: Day | None = None
    community: Id | None = None
    owner: Id | None = Field(None, description="staff id")


class ProgressIn(Schema):
    text: Text
    status: Literal["in_progress", "done", ""] = ""


class ItemVerifyIn(Schema):
    effective: bool
    note: Text


class OverviewRow(Schema):
    department_id: int
    department: str
    open: int
    overdue: int
    done: int
    effective: int
    not_effective: int
    total: int


def _require_staff(request):
    if not is_staff_member(request.auth):
        raise PermissionDenied


def _pick(queryset, pk, field):
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError(
            {
                field: ValidationError(
                    _("找不到该记录,或不在您的权限范围内。"), code="invalid_choice"
                )
            }
        )
    return found


def _owner(user, staff_id):
    if staff_id is None:
        return None
    found = task_assignees_for(user).filter(staff__id=staff_id).first()
    if found is None:
        raise ValidationError(
            {"owner": ValidationError(_("找不到该员工,或不能选择该员工。"), code="invalid_choice")}
        )
    return found


def _detail(user, pk):
    item = selectors.item_get_for_user(user, pk)
    item.update_rows = list(selectors.updates_of(item))
    item.effect = item_effect(user, item)
    return item


@router.get("", response={200: ItemPage, **ERRORS}, operation_id="improvement_list")
def item_list(request, filters: Query[ItemFilters]):
    """The improvement plan, filtered; newest first, keyset-paginated."""
    _require_staff(request)
    f = filters
    qs = selectors.filter_items(
        selectors.items_visible_to(request.auth),
        department=f.department,
        community=f.community,
        status=f.status or "",
        source=f.source or "",
        overdue=f.overdue,
        campaign=f.campaign,
    ).order_by("-id")
    if f.cursor is not None:
        qs = qs.filter(id__lt=f.cursor)
    rows = list(qs[: f.limit + 1])
    more = len(rows) > f.limit
    rows = rows[: f.limit]
    return {"items": rows, "next_cursor": rows[-1].id if more else None}


@router.get(
    "/overview", response={200: list[OverviewRow], **ERRORS}, operation_id="improvement_overview"
)
def item_overview(request):
    """Open, overdue, done (awaiting verification), effective and not effective per department."""
    _require_staff(request)
    return [
        {**row, "department": row["department__name"]} for row in selectors.overview(request.auth)
    ]


@router.post("", response={201: ItemDetailOut, **ERRORS}, operation_id="improvement_create")
def item_create(request, payload: ItemIn):
    """A new item from a survey finding, an inspection or a meeting (manager, assistant).
    Complaint items are made by the manager's decision on the ticket."""
    _require_staff(request)
    user = request.auth
    if not services.may_plan(user):
        raise PermissionDenied
    p = payload
    survey = {}
    if p.source == Source.SURVEY:
        survey = finding_refs(user, p.campaign, p.dimension)
    item = services.item_create(
        by=user,
        title=p.title,
        source=p.source,
        department=_pick(departments_visible_to(user), p.department, "department"),
        community=_pick(communities_visible_to(user), p.community, "community"),
        owner=_owner(user, p.owner),
        measures=p.measures,
        due=p.due,
        **survey,
    )
    return Status(201, _detail(user, item.pk))


@router.get("/{pk}", response={200: ItemDetailOut, **ERRORS}, operation_id="improvement_get")
def item_get(request, pk: int):
    """The item with its progress updates and, for survey findings, the before/after figures."""
    _require_staff(request)
    return _detail(request.auth, pk)


@router.patch("/{pk}", response={200: ItemDetailOut, **ERRORS}, operation_id="improvement_update")
def item_update(request, pk: int, payload: ItemPatch):
    """Edit title, department, owner, measures, due date or community (manager, assistant)."""
    _require_staff(request)
    user = request.auth
    item = selectors.item_get_for_user(user, pk)
    if not services.may_plan(user, item.community_id):
        raise PermissionDenied
    sent = payload.model_dump(exclude_unset=True)
    changes = {}
    for name, value in sent.items():
        if name == "department":
            value = _pick(departments_visible_to(user), value, "department")
        elif name == "community":
            value = _pick(communities_visible_to(user), value, "community")
        elif name == "owner":
            value = _owner(user, value)
        changes[name] = value
    services.item_update(by=user, item=item, **changes)
    return _detail(user, pk)


@router.post(
    "/{pk}/progress", response={200: ItemDetailOut, **ERRORS}, operation_id="improvement_progress"
)
def item_progress(request, pk: int, payload: ProgressIn):
    """A progress update, optionally moving the item to in progress or done."""
    _require_staff(request)
    item = selectors.item_get_for_user(request.auth, pk)
    services.item_progress(by=request.auth, item=item, text=payload.text, status=payload.status)
    return _detail(request.auth, pk)


@router.post(
    "/{pk}/verify", response={200: ItemDetailOut, **ERRORS}, operation_id="improvement_verify"
)
def item_verify(request, pk: int, payload: ItemVerifyIn):
    """The manager's verdict on a done item: effective or not, with a note."""
    _require_staff(request)
    item = selectors.item_get_for_user(request.auth, pk)
    services.item_verify(by=request.auth, item=item, effective=payload.effective, note=payload.note)
    return _detail(request.auth, pk)
