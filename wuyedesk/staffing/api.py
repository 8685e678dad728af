"""/api/v1/staffing (MGT-1, AST-5): shifts, rosters with their gaps, clock-in and clock-out,
leave and correction requests and their decisions, monthly sheets, exceptions, the time clock
import. The same services and rules as the pages: a person outside the caller's scope is a 404,
an action the caller's post may not take a 403, bad input a 422 naming the field."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from wuyedesk.accounts.models import User
from wuyedesk.api.schemas import Day, ErrorOut, Id
from wuyedesk.lib.network import client_address
from wuyedesk.properties.selectors import communities_visible_to
from wuyedesk.staffing import attendance, coverage, monthly, rules, services
from wuyedesk.staffing.choices import Duty, LeaveKind
from wuyedesk.staffing.clock_import import ImportFileError, clock_import
from wuyedesk.staffing.models import CorrectionRequest, LeaveRequest, RosterEntry, Shift

router = Router(tags=["staffing"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
Reason = Field(max_length=500)
Clock = Literal["in", "out"]


def _iso(value):
    return value.isoformat() if value else None


class ShiftOut(Schema):
    id: int
    name: str
    start: str
    end: str
    crosses_midnight: bool

    @staticmethod
    def resolve_start(obj):
        return obj.start.strftime("%H:%M")

    @staticmethod
    def resolve_end(obj):
        return obj.end.strftime("%H:%M")


class ShiftIn(Schema):
    name: str = Field(max_length=40)
    start: dt.time
    end: dt.time


class RosterEntryOut(Schema):
    id: int
    date: dt.date
    user_id: int
    name: str
    shift_id: int
    duty: str
    department_id: int
    community_id: int | None

    @staticmethod
    def resolve_name(obj):
        return obj.user.staff.name


class RosterEntryIn(Schema):
    date: Day
    user_id: Id
    shift_id: Id
    duty: Literal[tuple(Duty.values)]
    community_id: Id | None = None


class RosterGapOut(Schema):
    date: dt.date
    at: str
    duty: str


class RosterOut(Schema):
    entries: list[RosterEntryOut]
    gaps: list[RosterGapOut]


class RosterFilters(Schema):
    start: Day | None = None
    end: Day | None = None


class ClockIn(Schema):
    action: Clock


class ClockRecordOut(Schema):
    date: dt.date
    clock_in: str | None
    clock_out: str | None

    @staticmethod
    def resolve_clock_in(obj):
        return _iso(obj.clock_in)

    @staticmethod
    def resolve_clock_out(obj):
        return _iso(obj.clock_out)


class LeaveIn(Schema):
    kind: Literal[tuple(LeaveKind.values)]
    start_date: Day
    end_date: Day
    reason: str = Reason


class CorrectionIn(Schema):
    date: Day
    reason: str = Reason


class StaffingRequestOut(Schema):
    id: int
    user_id: int
    status: str
    reason: str
    decision_reason: str
    kind: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    date: dt.date | None = None


class StaffingDecisionIn(Schema):
    approve: bool
    reason: str = Field("", max_length=500)


class AttendanceFiguresOut(Schema):
    scheduled_days: int
    present_days: int
    late: int
    early_leave: int
    absent_half_days: int
    leave_days: Decimal


class SheetRowOut(Schema):
    user_id: int
    name: str
    employee_no: str
    figures: AttendanceFiguresOut


class AttendanceDayOut(Schema):
    user_id: int
    date: dt.date
    start: dt.datetime
    end: dt.datetime
    clock_in: dt.datetime | None
    clock_out: dt.datetime | None
    on_leave: bool
    corrected: bool
    late: bool
    late_minutes: int
    early_leave: bool
    absent_half_days: int


class PersonSheetOut(Schema):
    figures: AttendanceFiguresOut
    days: list[AttendanceDayOut]


class MonthFilter(Schema):
    month: str = Field("", pattern=r"^(\d{4}-\d{2})?$", description="YYYY-MM; default this month")


class ImportOut(Schema):
    imported: int
    errors: list[dict]


class ClockImportErrorOut(ErrorOut):
    errors: list[dict] = []


def _editor(request):
    if not rules.may_edit_rosters(request.auth):
        raise PermissionDenied
    return request.auth


def _reader(request):
    if not rules.may_read_department(request.auth):
        raise PermissionDenied
    return request.auth


def _field_error(field, message):
    return ValidationError({field: ValidationError(message, code="invalid_choice")})


@router.get("/shifts", response={200: list[ShiftOut], **ERRORS}, operation_id="staffing_shifts")
def shift_list(request):
    """The shifts in use (manager, assistant)."""
    _editor(request)
    return list(Shift.objects.filter(archived=False))


@router.post("/shifts", response={201: ShiftOut, **ERRORS}, operation_id="staffing_shift_create")
def shift_create(request, payload: ShiftIn):
    """A new shift; an end before the start crosses midnight (manager, assistant)."""
    return Status(201, services.shift_save(by=_editor(request), **payload.dict()))


@router.get("/roster", response={200: RosterOut, **ERRORS}, operation_id="staffing_roster")
def roster_get(request, filters: Query[RosterFilters]):
    """The caller's department's roster and its uncovered service hours (default: this week;
    at most 62 days)."""
    user = _editor(request)
    today = timezone.localdate()
    start = filters.start or today - dt.timedelta(days=today.weekday())
    end = filters.end or start + dt.timedelta(days=6)
    if end < start or (end - start).days > 62:
        raise _field_error("end", _("结束日期须在开始日期之后 62 天内。"))
    department = rules.own_department_id(user)
    entries = RosterEntry.objects.filter(
        department_id=department, date__range=(start, end), user__in=rules.staff_users(user)
    ).select_related("user__staff")
    gaps = coverage.gaps(department_id=department, community_id=None, start=start, end=end)
    return {
        "entries": list(entries),
        "gaps": [{"date": g.date, "at": g.at.strftime("%H:%M"), "duty": g.duty} for g in gaps],
    }


@router.post(
    "/roster", response={201: RosterEntryOut, **ERRORS}, operation_id="staffing_roster_add"
)
def roster_add(request, payload: RosterEntryIn):
    """Put a person of the caller's department on a shift (manager, assistant)."""
    user = _editor(request)
    person = User.objects.filter(pk=payload.user_id).first()
    shift = Shift.objects.filter(pk=payload.shift_id).first()
    if shift is None:
        raise _field_error("shift_id", _("请选择有效的班次。"))
    community = None
    if payload.community_id is not None:
        community = communities_visible_to(user).filter(pk=payload.community_id).first()
        if community is None:
            raise _field_error("community_id", _("小区不在您负责的范围内。"))
    try:
        entry = services.roster_add(
            by=user,
            user=person,
            date=payload.date,
            shift=shift,
            duty=payload.duty,
            community=community,
        )
    except ValidationError as error:
        raise ValidationError(
            {
                f"{k}_id" if k in ("user", "shift", "community") else k: v
                for k, v in error.error_dict.items()
            }
        ) from error
    return Status(201, entry)


@router.delete(
    "/roster/{pk}", response={204: None, **ERRORS}, operation_id="staffing_roster_remove"
)
def roster_remove(request, pk: Id):
    user = _editor(request)
    entry = get_object_or_404(
        RosterEntry,
        pk=pk,
        department_id=rules.own_department_id(user),
        user__in=rules.staff_users(user),
    )
    services.roster_remove(by=user, entry=entry)
    return Status(204, None)


@router.post("/clock", response={200: ClockRecordOut, **ERRORS}, operation_id="staffing_clock")
def clock(request, payload: ClockIn):
    """Clock in or out now (the server's time; the client address is kept)."""
    return services.clock(by=request.auth, action=payload.action, ip=client_address(request))


def _request_out(obj):
    data = {
        "id": obj.pk,
        "user_id": obj.user_id,
        "status": obj.status,
        "reason": obj.reason,
        "decision_reason": obj.decision_reason,
    }
    if isinstance(obj, LeaveRequest):
        data |= {"kind": obj.kind, "start_date": obj.start_date, "end_date": obj.end_date}
    else:
        data["date"] = obj.date
    return data


@router.get(
    "/requests",
    response={200: list[StaffingRequestOut], **ERRORS},
    operation_id="staffing_requests",
)
def request_list(request, mine: bool = True):
    """The caller's own requests (`mine`), or those waiting for the caller's decision."""
    user = request.auth
    rules.require_staff(user)
    if mine:
        leave = LeaveRequest.objects.filter(user=user)[:50]
        corrections = CorrectionRequest.objects.filter(user=user)[:50]
    else:
        _reader(request)
        leave, corrections = monthly.pending_requests(user)
    return [_request_out(r) for r in [*leave, *corrections]]


@router.post(
    "/leave", response={201: StaffingRequestOut, **ERRORS}, operation_id="staffing_leave_create"
)
def leave_create(request, payload: LeaveIn):
    return Status(201, _request_out(services.leave_request(by=request.auth, **payload.dict())))


@router.post(
    "/corrections",
    response={201: StaffingRequestOut, **ERRORS},
    operation_id="staffing_correction_create",
)
def correction_create(request, payload: CorrectionIn):
    return Status(201, _request_out(services.correction_request(by=request.auth, **payload.dict())))


def _decide(request, model, pk, payload):
    found = model.objects.filter(pk=pk).select_related("user").first()
    if found is None or not rules.may_read_person(request.auth, found.user):
        return Status(404, {"code": "not_found", "message": _("找不到该申请。"), "field": None})
    decided = services.decide(
        by=request.auth, request=found, approve=payload.approve, reason=payload.reason
    )
    return _request_out(decided)


@router.post(
    "/leave/{pk}/decision",
    response={200: StaffingRequestOut, **ERRORS},
    operation_id="staffing_leave_decide",
)
def leave_decide(request, pk: Id, payload: StaffingDecisionIn):
    """Approve or refuse (with a reason) a leave request of the manager's department."""
    return _decide(request, LeaveRequest, pk, payload)


@router.post(
    "/corrections/{pk}/decision",
    response={200: StaffingRequestOut, **ERRORS},
    operation_id="staffing_correction_decide",
)
def correction_decide(request, pk: Id, payload: StaffingDecisionIn):
    """Approve or refuse (with a reason) a correction request of the manager's department."""
    return _decide(request, CorrectionRequest, pk, payload)


@router.get("/sheet", response={200: list[SheetRowOut], **ERRORS}, operation_id="staffing_sheet")
def sheet(request, filters: Query[MonthFilter]):
    """The month's figures of each person of the caller's department (executives: all)."""
    user = _reader(request)
    first, last = monthly.month_of(filters.month)
    return monthly.department_rows(user, first, last)


@router.get(
    "/people/{user_id}/sheet",
    response={200: PersonSheetOut, **ERRORS},
    operation_id="staffing_person_sheet",
)
def person_sheet(request, user_id: Id, filters: Query[MonthFilter]):
    """One person's month day by day (themselves, their manager or assistant, executives)."""
    person = User.objects.filter(pk=user_id).first()
    if person is None or not rules.may_read_person(request.auth, person):
        return Status(404, {"code": "not_found", "message": _("找不到该员工。"), "field": None})
    first, last = monthly.month_of(filters.month)
    found = attendance.people([person.pk], first, last)[person.pk]
    return {"figures": found.figures(), "days": found.days}


@router.get(
    "/exceptions",
    response={200: list[AttendanceDayOut], **ERRORS},
    operation_id="staffing_exceptions",
)
def exception_list(request, filters: Query[MonthFilter]):
    """Late, early and absent days of the caller's department this month (so far)."""
    user = _reader(request)
    first, last = monthly.month_of(filters.month)
    return [d for _name, d in monthly.exception_days(user, first, min(last, timezone.localdate()))]


@router.post(
    "/clock-import",
    response={200: ImportOut, **ERRORS, 422: ClockImportErrorOut},
    operation_id="staffing_clock_import",
)
def clock_import_api(request, file: File[UploadedFile]):
    """A time clock's CSV or XLSX (工号, 日期, 上班, 下班); all or nothing: a bad row is a 422
    listing each row's line and column, and nothing is written."""
    user = _editor(request)
    try:
        result = clock_import(by=user, filename=file.name or "", content=file.read())
    except ImportFileError as error:
        raise ValidationError({"file": ValidationError(str(error), code="invalid")}) from error
    if result["errors"]:
        first = result["errors"][0]
        return Status(
            422,
            {
                "code": "invalid",
                "message": _("第 %(row)s 行「%(column)s」:%(message)s") % first,
                "field": "file",
                "errors": result["errors"],
            },
        )
    return result
