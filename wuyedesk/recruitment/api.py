"""/api/v1/recruitment: openings, candidates, stages, the offer and the hire (MGR-2).

The manager of the department recruits: openings of their department in their communities
(404 outside them); executives read, personal data masked; 403 for every other post. 422
naming the field for bad input, and nothing changes. A candidate's phone and ID number are
masked; `POST …/reveal` gives one in clear to the recruiting manager with the right to see
personal data, and each reveal and each opening of the CV is written to the access log.
"""

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from wuyedesk.accounts.choices import HIRING_POSTS
from wuyedesk.api.schemas import Day, ErrorOut, Id
from wuyedesk.lib.paging import page_of
from wuyedesk.recruitment import hiring, selectors, services
from wuyedesk.recruitment.choices import OpeningStatus, Source, Stage
from wuyedesk.recruitment.models import HEADCOUNT_MAX
from wuyedesk.recruitment.views import cv_response

router = Router(tags=["recruitment"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
PAGE = 50
HiringPost = Literal[tuple(p.value for p in HIRING_POSTS)]


class RecruitmentOpeningOut(Schema):
    id: int
    title: str
    post: str
    department_id: int
    department: str
    community_ids: list[int]
    headcount: int
    hired: int
    description: str
    status: OpeningStatus
    opened_at: dt.datetime
    closed_at: dt.datetime | None


def _opening_out(o) -> dict:
    return {
        "id": o.pk,
        "title": o.title,
        "post": o.post,
        "department_id": o.department_id,
        "department": o.department.name,
        "community_ids": sorted(o.communities.values_list("pk", flat=True)),
        "headcount": o.headcount,
        "hired": services.hired_count(o),
        "description": o.description,
        "status": o.status,
        "opened_at": o.opened_at,
        "closed_at": o.closed_at,
    }


class RecruitmentOpeningPage(Schema):
    page: int
    has_next: bool
    items: list[RecruitmentOpeningOut]


class RecruitmentOpeningIn(Schema):
    title: str = Field(..., max_length=services.TITLE_MAX)
    post: HiringPost
    communities: list[Id] = Field(..., min_length=1)
    headcount: int = Field(1, ge=1, le=HEADCOUNT_MAX)
    description: str = Field("", max_length=services.NOTE_MAX)


class RecruitmentOpeningListIn(Schema):
    status: OpeningStatus | Literal[""] = ""
    page: int = Field(1, ge=1, le=2000)


class RecruitmentStatusIn(Schema):
    status: Literal["open", "closed"]


class RecruitmentRecordOut(Schema):
    id: int
    stage: Stage
    note: str
    interviewer_id: int | None
    interviewer: str | None
    held_on: dt.date | None
    by: str
    at: dt.datetime


class RecruitmentCandidateOut(Schema):
    id: int
    opening_id: int
    name: str
    phone: str = Field(..., description="masked; see POST …/reveal")
    id_number: str = Field(..., description="masked; see POST …/reveal")
    source: Source
    stage: Stage
    has_cv: bool
    offer_date: dt.date | None
    offer_post: str
    start_date: dt.date | None
    staff_id: int | None
    created_at: dt.datetime


def _candidate_out(c) -> dict:
    return {
        "id": c.pk,
        "opening_id": c.opening_id,
        "name": c.name,
        "phone": c.masked_phone,
        "id_number": c.masked_id_number,
        "source": c.source,
        "stage": c.stage,
        "has_cv": bool(c.cv),
        "offer_date": c.offer_date,
        "offer_post": c.offer_post,
        "start_date": c.start_date,
        "staff_id": c.staff_id,
        "created_at": c.created_at,
    }


class RecruitmentCandidateDetail(RecruitmentCandidateOut):
    records: list[RecruitmentRecordOut]


class RecruitmentCandidatePage(Schema):
    page: int
    has_next: bool
    items: list[RecruitmentCandidateOut]


class RecruitmentCandidateListIn(Schema):
    opening: Id | None = None
    stage: Stage | Literal[""] = ""
    waiting: bool = False
    page: int = Field(1, ge=1, le=2000)


class RecruitmentCandidateIn(Schema):
    name: str = Field(..., max_length=services.NAME_MAX)
    phone: str = Field(..., max_length=20)
    id_number: str = Field("", max_length=18)
    source: Source
    note: str = Field("", max_length=services.NOTE_MAX)


class RecruitmentStageIn(Schema):
    stage: Literal["screening", "interview", "rejected", "withdrawn"]
    note: str = Field("", max_length=services.NOTE_MAX)
    interviewer: Id | None = None
    held_on: Day | None = None


class RecruitmentOfferIn(Schema):
    post: HiringPost | None = None
    offer_date: Day
    start_date: Day
    note: str = Field("", max_length=services.NOTE_MAX)


class RecruitmentHireIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., min_length=1, max_length=128)
    employee_no: str = Field(..., max_length=20)


class RecruitmentRevealIn(Schema):
    field: Literal["phone", "id_number"]


class RecruitmentRevealOut(Schema):
    field: str
    value: str


class RecruitmentHireOut(Schema):
    candidate: RecruitmentCandidateOut
    staff_id: int
    username: str


def _reader(request):
    if not selectors.may_read(request.auth):
        raise PermissionDenied


def _recruiter(request):
    if not selectors.may_recruit(request.auth):
        raise PermissionDenied


def _opening(request, pk):
    _reader(request)
    return get_object_or_404(selectors.openings_visible_to(request.auth), pk=pk)


def _candidate(request, pk):
    _reader(request)
    return get_object_or_404(selectors.candidates_visible_to(request.auth), pk=pk)


def _detail(c) -> dict:
    records = c.records.select_related("interviewer", "by__staff")
    return {
        **_candidate_out(c),
        "records": [
            {
                "id": r.pk,
                "stage": r.stage,
                "note": r.note,
                "interviewer_id": r.interviewer_id,
                "interviewer": r.interviewer.name if r.interviewer_id else None,
                "held_on": r.held_on,
                "by": getattr(getattr(r.by, "staff", None), "name", r.by.username),
                "at": r.at,
            }
            for r in records
        ],
    }


@router.get(
    "/openings",
    response={200: RecruitmentOpeningPage, **ERRORS},
    operation_id="recruitment_openings",
)
def opening_list(request, q: Query[RecruitmentOpeningListIn]):
    """Openings the caller may read, newest first, 50 a page."""
    _reader(request)
    qs = selectors.filter_openings(selectors.openings_visible_to(request.auth), status=q.status)
    page = page_of(qs.order_by("-id"), q.page, PAGE)
    return {
        "page": page.number,
        "has_next": page.has_next,
        "items": [_opening_out(o) for o in page.object_list],
    }


@router.post(
    "/openings",
    response={201: RecruitmentOpeningOut, **ERRORS},
    operation_id="recruitment_opening_create",
)
def opening_create(request, payload: RecruitmentOpeningIn):
    """Open an opening of a post in the manager's department for some of their communities."""
    _recruiter(request)
    opening = services.opening_create(by=request.auth, **payload.dict())
    return Status(201, _opening_out(opening))


@router.get(
    "/openings/{pk}",
    response={200: RecruitmentOpeningOut, **ERRORS},
    operation_id="recruitment_opening_get",
)
def opening_get(request, pk: Id):
    return _opening_out(_opening(request, pk))


@router.post(
    "/openings/{pk}/status",
    response={200: RecruitmentOpeningOut, **ERRORS},
    operation_id="recruitment_opening_status",
)
def opening_status(request, pk: Id, payload: RecruitmentStatusIn):
    """Close the opening, or open a closed one again (a filled one stays filled)."""
    _recruiter(request)
    opening = services.opening_set_status(
        by=request.auth, opening=_opening(request, pk), status=payload.status
    )
    return _opening_out(opening)


@router.get(
    "/candidates",
    response={200: RecruitmentCandidatePage, **ERRORS},
    operation_id="recruitment_candidates",
)
def candidate_list(request, q: Query[RecruitmentCandidateListIn]):
    """Candidates, newest first; `waiting=true`: those waiting for the manager's decision
    (screening, interview, offer) of open openings, as the manager's home counts them."""
    _reader(request)
    opening = _opening(request, q.opening) if q.opening else None
    qs = selectors.filter_candidates(
        selectors.candidates_visible_to(request.auth),
        opening=opening,
        stage=q.stage,
        waiting=q.waiting,
    )
    page = page_of(qs.order_by("-id"), q.page, PAGE)
    return {
        "page": page.number,
        "has_next": page.has_next,
        "items": [_candidate_out(c) for c in page.object_list],
    }


@router.post(
    "/openings/{pk}/candidates",
    response={201: RecruitmentCandidateDetail, **ERRORS},
    operation_id="recruitment_candidate_create",
)
def candidate_create(
    request, pk: Id, payload: Form[RecruitmentCandidateIn], cv: File[UploadedFile] = None
):
    """Record a candidate (multipart/form-data: `name`, `phone`, `id_number`, `source`,
    `note`, and the CV as `cv`, a PDF or an image)."""
    _recruiter(request)
    candidate = services.candidate_create(
        by=request.auth, opening=_opening(request, pk), cv=cv, **payload.dict()
    )
    return Status(201, _detail(candidate))


@router.get(
    "/candidates/{pk}",
    response={200: RecruitmentCandidateDetail, **ERRORS},
    operation_id="recruitment_candidate_get",
)
def candidate_get(request, pk: Id):
    return _detail(_candidate(request, pk))


@router.post(
    "/candidates/{pk}/reveal",
    response={200: RecruitmentRevealOut, **ERRORS},
    operation_id="recruitment_candidate_reveal",
)
def candidate_reveal(request, pk: Id, payload: RecruitmentRevealIn):
    """One personal field in clear; written to the access log."""
    value = services.reveal(by=request.auth, candidate=_candidate(request, pk), field=payload.field)
    return {"field": payload.field, "value": value}


@router.get(
    "/candidates/{pk}/cv",
    response={200: None, **ERRORS},
    operation_id="recruitment_candidate_cv",
)
def candidate_cv(request, pk: Id):
    """The CV; each opening is written to the access log."""
    candidate = services.cv_open(by=request.auth, candidate=_candidate(request, pk))
    return cv_response(candidate)


@router.post(
    "/candidates/{pk}/stage",
    response={200: RecruitmentCandidateDetail, **ERRORS},
    operation_id="recruitment_candidate_stage",
)
def candidate_stage(request, pk: Id, payload: RecruitmentStageIn):
    """A note of the present stage, or a move: screening -> interview (with the interviewer),
    any open stage -> rejected or withdrawn (with the reason)."""
    _recruiter(request)
    candidate = _candidate(request, pk)
    services.stage_record(
        by=request.auth,
        candidate=candidate,
        stage=payload.stage,
        note=payload.note,
        interviewer_id=payload.interviewer,
        held_on=payload.held_on,
    )
    return _detail(_candidate(request, pk))


@router.post(
    "/candidates/{pk}/offer",
    response={200: RecruitmentCandidateDetail, **ERRORS},
    operation_id="recruitment_candidate_offer",
)
def candidate_offer(request, pk: Id, payload: RecruitmentOfferIn):
    """The offer after an interview: its date, the post (default the opening's), the start."""
    _recruiter(request)
    candidate = services.offer_make(
        by=request.auth,
        candidate=_candidate(request, pk),
        offer_date=payload.offer_date,
        start_date=payload.start_date,
        post=payload.post or "",
        note=payload.note,
    )
    return _detail(candidate)


@router.post(
    "/candidates/{pk}/hire",
    response={201: RecruitmentHireOut, **ERRORS},
    operation_id="recruitment_candidate_hire",
)
def candidate_hire(request, pk: Id, payload: RecruitmentHireIn):
    """The candidate accepted the offer: their staff account (username and initial password,
    as the administrator creates one) with the offer's post and the opening's department and
    communities; the induction courses are assigned."""
    _recruiter(request)
    staff = hiring.hire(by=request.auth, candidate=_candidate(request, pk), **payload.dict())
    out = {
        "candidate": _candidate_out(_candidate(request, pk)),
        "staff_id": staff.pk,
        "username": staff.user.username,
    }
    return Status(201, out)
