"""/api/v1/data-quality: the worklist of likely data problems and its fixes (AST-3).

The assistant and the manager only (403 for anyone else); rows within the communities the
caller sees; a fix of a row not on the caller's list is a 422 naming the field.
"""

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from wuyedesk.api.schemas import ErrorOut, Id
from wuyedesk.dataquality import selectors, services
from wuyedesk.dataquality.choices import Problem
from wuyedesk.lib.paging import page_of

router = Router(tags=["data-quality"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
KindName = Literal[tuple(Problem.values)]
PAGE = 50


class TrendPoint(Schema):
    day: dt.date
    count: int


class KindOut(Schema):
    kind: KindName
    label: str
    count: int
    url: str
    trend: list[TrendPoint]


class RowOut(Schema):
    id: int
    other_id: int | None = None
    label: str
    reasons: list[str] = []
    url: str


class RowPage(Schema):
    kind: KindName
    page: int
    has_next: bool
    rows: list[RowOut]


class PageIn(Schema):
    page: int = Field(1, ge=1, le=2000)


class ResidentMergeIn(Schema):
    survivor_id: Id
    duplicate_id: Id


class MergeOut(Schema):
    survivor_id: int
    url: str


class DismissIn(Schema):
    kind: KindName
    object_id: Id
    other_id: Id | None = None
    reason: str = Field("", max_length=services.REASON_MAX)


class DismissOut(Schema):
    id: int
    kind: str
    object_id: int
    other_id: int


class EndIn(Schema):
    ids: list[Id] = Field(..., min_length=1, max_length=500)


class EndOut(Schema):
    ended: int


def _keeper(request):
    if not selectors.may_keep(request.auth):
        raise PermissionDenied


@router.get("", response={200: list[KindOut], **ERRORS}, operation_id="dataquality_counts")
def counts(request):
    """Each kind of problem with its count (the rows its list returns) and daily trend."""
    _keeper(request)
    found = selectors.problem_counts(request.auth)
    trend = selectors.trend(request.auth)
    return [
        {
            "kind": kind.value,
            "label": str(kind.label),
            "count": found[kind.value],
            "url": reverse("dataquality_kind", args=[kind.value]),
            "trend": trend.get(kind.value, []),
        }
        for kind in Problem
    ]


def _row(kind: str, row) -> dict:
    if kind == Problem.DUPLICATES:
        return {
            "id": row.first.pk,
            "other_id": row.second.pk,
            "label": f"{row.first.name} / {row.second.name}",
            "reasons": row.reasons,
            "url": reverse("dataquality_merge", args=[row.first.pk, row.second.pk]),
        }
    if kind == Problem.ROOMS_NO_OWNER:
        return {"id": row.pk, "label": row.address, "url": _record("rooms", row.pk)}
    if kind == Problem.NO_CONTACT:
        return {"id": row.pk, "label": row.name, "url": _record("residents", row.pk)}
    if kind == Problem.STALE_OCCUPANCY:
        return {"id": row.pk, "label": str(row), "url": _record("residents", row.resident_id)}
    if kind == Problem.MAIL_RESIDENT:
        return {"id": row.pk, "label": row.subject, "url": reverse("mail_detail", args=[row.pk])}
    return {"id": row.pk, "label": row.number, "url": reverse("ticket_detail", args=[row.pk])}


def _record(key: str, pk: int) -> str:
    return reverse("record_detail", args=[key, pk])


@router.post("/merge", response={200: MergeOut, **ERRORS}, operation_id="dataquality_merge")
def merge(request, payload: ResidentMergeIn):
    """Merge `duplicate_id` into `survivor_id`: every row of the duplicate moves, the
    duplicate is archived."""
    _keeper(request)
    survivor = services.residents_merge(
        by=request.auth, survivor_id=payload.survivor_id, duplicate_id=payload.duplicate_id
    )
    return {"survivor_id": survivor.pk, "url": _record("residents", survivor.pk)}


@router.post("/dismiss", response={201: DismissOut, **ERRORS}, operation_id="dataquality_dismiss")
def dismiss(request, payload: DismissIn):
    """Keep a row off the list: not a duplicate, not a problem."""
    _keeper(request)
    dismissal = services.problem_dismiss(by=request.auth, **payload.model_dump())
    return Status(201, dismissal)


@router.post("/occupancies/end", response={200: EndOut, **ERRORS}, operation_id="dataquality_end")
def end_occupancies(request, payload: EndIn):
    """End occupancies of the "should have ended" list today."""
    _keeper(request)
    return {"ended": services.occupancies_end(by=request.auth, ids=payload.ids)}


# Last: "/{kind}" would otherwise take the paths above (a 405 for their POSTs).
@router.get("/{kind}", response={200: RowPage, **ERRORS}, operation_id="dataquality_rows")
def rows(request, kind: KindName, q: Query[PageIn]):
    """The rows of one kind, 50 a page, each with the page that fixes it."""
    _keeper(request)
    page = page_of(selectors.rows_of(request.auth, kind), q.page, PAGE)
    return {
        "kind": kind,
        "page": page.number,
        "has_next": page.has_next,
        "rows": [_row(kind, row) for row in page.object_list],
    }
