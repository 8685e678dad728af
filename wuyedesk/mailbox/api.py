"""/api/v1/mail/ endpoints: the inbound mail that needs a person, and what they do with it
(assistants, managers, administrators; scoped to their communities like the web queue)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from wuyedesk.api.schemas import MAX_ID, ErrorOut
from wuyedesk.mailbox import selectors, services
from wuyedesk.properties.selectors import residents_visible_to

router = Router(tags=["mailbox"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class InboundOut(Schema):
    id: int
    received_at: dt.datetime
    sent_at: dt.datetime | None
    from_address: str
    from_name: str
    subject: str
    status: str
    attention: bool
    automated: bool
    error: str
    problems: list[str]
    size: int
    community_id: int | None
    resident_id: int | None
    ticket_id: int | None
    ticket_number: str | None = None

    @staticmethod
    def resolve_ticket_number(obj) -> str | None:
        return obj.ticket.number if obj.ticket_id else None


class InboundDetailOut(InboundOut):
    body_text: str
    body_html: str = Field(description="sanitised with nh3: only harmless markup")
    message_id: str


class InboundPage(Schema):
    items: list[InboundOut]
    next_cursor: int | None


class InboundFilters(Schema):
    queue: str = Field("attention", pattern="^(attention|unparsed|unknown|automated|all)$")
    limit: int = Field(50, ge=1, le=200)
    cursor: int | None = Field(None, ge=0, le=MAX_ID, description="next_cursor of the last page")


class InboundLinkIn(Schema):
    resident_id: int = Field(..., ge=1, le=MAX_ID)
    remember: bool = True


def _require(request):
    if not selectors.may_handle_mail(request.auth):
        raise PermissionDenied


@router.get("/inbound", response={200: InboundPage, **ERRORS}, operation_id="mail_inbound_list")
def inbound_list(request, filters: Query[InboundFilters]):
    """Inbound mail, newest first; `queue=attention` (default) is what needs a person."""
    _require(request)
    queryset = selectors.mail_queue(request.auth, filters.queue)
    if filters.cursor is not None:
        queryset = queryset.filter(id__lt=filters.cursor)
    rows = list(queryset[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {"items": rows, "next_cursor": rows[-1].id if more else None}


@router.get(
    "/inbound/{mail_id}", response={200: InboundDetailOut, **ERRORS}, operation_id="mail_inbound"
)
def inbound_get(request, mail_id: int):
    _require(request)
    return selectors.mail_get_for_user(request.auth, mail_id)


@router.post(
    "/inbound/{mail_id}/link",
    response={200: InboundDetailOut, **ERRORS},
    operation_id="mail_inbound_link",
)
def inbound_link(request, mail_id: int, payload: InboundLinkIn):
    """Name the resident who wrote: the ticket gets them, or is made now and acknowledged."""
    _require(request)
    mail = selectors.mail_get_for_user(request.auth, mail_id)
    resident = residents_visible_to(request.auth).filter(pk=payload.resident_id).first()
    if resident is None:
        raise ValidationError(
            {
                "resident_id": ValidationError(
                    _("找不到该住户,或不在您的权限范围内。"), code="invalid_choice"
                )
            }
        )
    services.mail_link_sender(
        by=request.auth, mail=mail, resident=resident, remember=payload.remember
    )
    return selectors.mail_get_for_user(request.auth, mail_id)


@router.post(
    "/inbound/{mail_id}/retry",
    response={200: InboundDetailOut, **ERRORS},
    operation_id="mail_inbound_retry",
)
def inbound_retry(request, mail_id: int):
    """Process the mail again (unparsed, error, or waiting for a community)."""
    _require(request)
    mail = selectors.mail_get_for_user(request.auth, mail_id)
    services.mail_retry(by=request.auth, mail=mail)
    return selectors.mail_get_for_user(request.auth, mail_id)


@router.post(
    "/inbound/{mail_id}/dismiss",
    response={200: InboundDetailOut, **ERRORS},
    operation_id="mail_inbound_dismiss",
)
def inbound_dismiss(request, mail_id: int):
    """The mail has been dealt with by a person; it leaves the queue."""
    _require(request)
    mail = selectors.mail_get_for_user(request.auth, mail_id)
    services.mail_dismiss(by=request.auth, mail=mail)
    return selectors.mail_get_for_user(request.auth, mail_id)
