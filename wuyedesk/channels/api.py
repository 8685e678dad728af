"""The portal under /api/v1/portal/: everything the resident portal does, for a WeChat
mini-program or any app (issue #4 §5). Resident bearer tokens only; a staff token gets 403.
The staff side of the portal (announcements, the sign-up queue) is under /portal/staff/ and
refuses residents.

Errors are JSON {code, message, field}. Another resident's ticket is a 404, as if absent.
"""

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from wuyedesk.accounts import services as account_services
from wuyedesk.accounts.throttling import login_check, login_failed
from wuyedesk.api import errors
from wuyedesk.api.schemas import ErrorOut, Id, ThrottledOut
from wuyedesk.channels import limits, selectors, services
from wuyedesk.channels.schemas import (
    AnnouncementIn,
    AnnouncementOut,
    ConfirmIn,
    ListIn,
    MeOut,
    NamedOut,
    PortalCategoryOut,
    PortalTicketDetailOut,
    PortalTicketPage,
    PortalTokenIn,
    PortalTokenOut,
    RateIn,
    ReplyIn,
    ResendIn,
    RoomChoiceOut,
    SignupDecisionIn,
    SignupIn,
    SignupOut,
    SignupQueueOut,
    SignupVerifyIn,
    StaffAnnouncementOut,
    SubmitIn,
    WithdrawIn,
)
from wuyedesk.core.downloads import uploaded_file
from wuyedesk.tickets import selectors as ticket_selectors

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}

router = Router(tags=["portal"])
staff_router = Router(tags=["portal staff"])


def _resident(request):
    user = request.auth
    if not getattr(user, "is_resident", False):
        raise PermissionDenied
    return user


def _staff(request):
    user = request.auth
    if getattr(user, "is_resident", True):
        raise PermissionDenied
    return user


def _field_error(field: str, message: str, code: str = "invalid_choice") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


# ---------------------------------------------------------------- tokens and sign-up


@router.post(
    "/token",
    auth=None,
    response={200: PortalTokenOut, 401: ErrorOut, 422: ErrorOut, 429: ThrottledOut},
)
def token_create(request, payload: PortalTokenIn):
    """Exchange a resident's mobile number and password for a bearer token. Failed attempts
    count with the staff logins of the same client address (`rate_login`): over the limit
    the answer is 429 with `Retry-After`."""
    login_check(request)
    user = authenticate(request, mobile=payload.mobile, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        request.axes_locked_out = False
        login_failed(request)
        return Status(429, errors.error_body("locked_out", _("登录失败次数过多,请稍后再试。")))
    if user is None or not user.is_resident:
        login_failed(request)
        return Status(401, errors.error_body("invalid_credentials", _("手机号或密码不正确。")))
    _token, raw = account_services.token_create(user=user, name="portal")
    return Status(200, {"token": raw})


def _signup_out(result) -> dict:
    signup = result.signup
    if result.status == services.VERIFY:
        return {
            "status": result.status,
            "verification": result.token,
            "masked_mobile": signup.masked_phone,
            "expires_in": services.code_minutes() * 60,
        }
    if result.status == services.LINKED:
        _token, raw = account_services.token_create(user=result.user, name="portal")
        return {"status": result.status, "token": raw}
    if result.status == services.PENDING:
        return {"status": result.status, "signup_id": signup.pk}
    return {"status": result.status}


SIGNUP_ERRORS = {422: ErrorOut, 429: ThrottledOut}


@router.post("/signup", auth=None, response={201: SignupOut, **SIGNUP_ERRORS})
def signup(request, payload: SignupIn):
    """Sign up with mobile, name, room and password. The answer is the same whoever is on
    record for the number: with an SMS gateway `verify` (a 6-digit code went to the number;
    send it to /signup/verify), without one `pending` (an assistant decides). Never linked
    here. Rate-limited per client address, and the codes per number and per address (429)."""
    limits.signup_attempt(request)
    room = selectors.signup_room(payload.room)
    if room is None:
        raise _field_error("room", _("找不到该房屋。"))
    result = services.signup_submit(
        phone=payload.mobile,
        name=payload.name,
        room=room,
        email=payload.email,
        password=payload.password,
        before_code=lambda phone: limits.code_send(request, phone),
    )
    return Status(201, _signup_out(result))


@router.post("/signup/verify", auth=None, response={200: SignupOut, 422: ErrorOut})
def signup_verify(request, payload: SignupVerifyIn):
    """The code sent to the number. `linked` with a bearer token when the number is on record
    for someone living in the room; `pending` (an assistant decides) otherwise; `has_account`
    when the number already has an account. A wrong code is 422 `wrong_code` (field `code`);
    after 5 tries, or 10 minutes, the code is spent (`too_many_tries`, `expired`): resend."""
    return Status(
        200, _signup_out(services.signup_verify(token=payload.verification, code=payload.code))
    )


@router.post("/signup/resend", auth=None, response={200: SignupOut, **SIGNUP_ERRORS})
def signup_resend(request, payload: ResendIn):
    """A new code for a sign-up waiting for one (the previous code stops working); limited
    per number and per client address (429 with Retry-After)."""
    result = services.signup_resend(
        token=payload.verification, before_code=lambda phone: limits.code_send(request, phone)
    )
    return Status(200, _signup_out(result))


@router.get("/signup/communities", auth=None, response=list[NamedOut])
def signup_communities(request):
    return list(selectors.signup_communities())


@router.get("/signup/buildings", auth=None, response=list[NamedOut])
def signup_buildings(request, community: Id):
    return list(selectors.signup_buildings(community))


@router.get("/signup/rooms", auth=None, response=list[RoomChoiceOut])
def signup_rooms(request, building: Id):
    return [
        {"id": r.pk, "unit": r.unit.name, "number": r.number}
        for r in selectors.signup_rooms(building)
    ]


# ---------------------------------------------------------------- the resident's own


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request):
    """Who I am and the rooms I live in now (what I may submit about)."""
    user = _resident(request)
    return {
        "name": user.resident.name,
        "homes": [
            {
                "room_id": o.room.pk,
                "building_id": o.room.building_id,
                "community_id": o.room.community_id,
                "address": o.room.address,
                "role": o.role,
            }
            for o in selectors.current_homes(user)
        ],
    }


@router.get("/categories", response={200: list[PortalCategoryOut], **ERRORS})
def categories(request):
    _resident(request)
    rows = ticket_selectors.filing_categories()
    return [
        {
            "id": c.pk,
            "name": ticket_selectors.category_name(c),
            "group": ticket_selectors.category_name(c.parent) if c.parent_id else None,
        }
        for c in rows
    ]


def _ticket_out(ticket) -> dict:
    stage = ticket_selectors.customer_stage(ticket)
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "kind": ticket.kind,
        "status": ticket.status,
        # The resident's words for where it is (已受理 / 处理中 / 待您确认 / 已完成), #12.
        "stage": stage.value,
        "status_label": str(stage.label),
        "title": ticket.title,
        "category_id": ticket.category_id,
        "room_id": ticket.room_id,
        "building_id": ticket.building_id,
        "community_id": ticket.community_id,
        "contact_at": ticket.contact_at,
        "closed": ticket.is_closed,
    }


def _detail(user, pk) -> dict:
    ticket = selectors.my_ticket(user, pk)
    files = selectors.public_files(ticket)
    by_event = {a.event_id: a.pk for a in files if a.event_id}
    rating = selectors.rating_of(ticket)
    answered = selectors.has_answer(ticket)
    return {
        **_ticket_out(ticket),
        "description": ticket.description,
        "deadlines": [
            {"label": label, "due": due, "met": met}
            for label, due, met in selectors.promised(ticket)
        ],
        "timeline": [
            {
                "id": e.id,
                "kind": e.kind,
                "kind_label": e.label,
                "at": e.at,
                "by_me": e.actor_id == user.pk,
                "body": e.body,
                "stars": e.stars,
                "attachment_id": by_event.get(e.id),
            }
            for e in selectors.public_timeline(ticket)
        ],
        "attachments": files,
        "rating": rating,
        "may_reply": not (ticket.is_closed and services.closed_reply_refused()),
        "may_confirm": services.may_confirm(ticket),
        "may_rate": answered and rating is None,
    }


@router.get("/tickets", response={200: PortalTicketPage, **ERRORS})
def ticket_list(request, params: Query[ListIn]):
    """My tickets, newest first (keyset pagination by id)."""
    user = _resident(request)
    qs = selectors.my_tickets(user)
    if params.cursor is not None:
        qs = qs.filter(id__lt=params.cursor)
    rows = list(qs[: params.limit + 1])
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    return {"items": [_ticket_out(t) for t in rows], "next_cursor": rows[-1].pk if more else None}


@router.post("/tickets", response={201: PortalTicketDetailOut, **ERRORS})
def ticket_submit(request, payload: Form[SubmitIn], photos: File[list[UploadedFile]] = None):
    """Submit an inquiry, complaint, repair request or suggestion (multipart/form-data), with
    up to nine photos in `photos`. Answers with the ticket, its number and its deadlines."""
    user = _resident(request)
    room, building = services.portal_place(user, room_id=payload.room, building_id=payload.building)
    category = ticket_selectors.filing_category(payload.category)
    if category is None:
        raise _field_error("category", _("请选择具体的分类。"))
    ticket = services.portal_submit(
        by=user,
        kind=payload.kind,
        category=category,
        title=payload.title,
        description=payload.description,
        room=room,
        building=building,
        photos=photos or [],
        channel="api",
    )
    return Status(201, _detail(user, ticket.pk))


@router.get("/tickets/{pk}", response={200: PortalTicketDetailOut, **ERRORS})
def ticket_get(request, pk: Id):
    """One of my tickets with its customer-visible timeline (never internal notes)."""
    return _detail(_resident(request), pk)


@router.post("/tickets/{pk}/reply", response={200: PortalTicketDetailOut, **ERRORS})
def ticket_reply(request, pk: Id, payload: ReplyIn):
    """A message to customer service. On a closed ticket it reopens it, or is refused (422
    `closed`), as the company's policy says."""
    user = _resident(request)
    ticket = selectors.my_ticket(user, pk)
    services.portal_reply(by=user, ticket=ticket, text=payload.text, channel="api")
    return _detail(user, pk)


@router.post("/tickets/{pk}/confirm", response={200: PortalTicketDetailOut, **ERRORS})
def ticket_confirm(request, pk: Id, payload: ConfirmIn):
    user = _resident(request)
    services.portal_confirm(by=user, ticket=selectors.my_ticket(user, pk), text=payload.text)
    return _detail(user, pk)


@router.post("/tickets/{pk}/rate", response={200: PortalTicketDetailOut, **ERRORS})
def ticket_rate(request, pk: Id, payload: RateIn):
    """1–5 stars and a comment, once per ticket, once it has been answered."""
    user = _resident(request)
    services.portal_rate(
        by=user, ticket=selectors.my_ticket(user, pk), stars=payload.stars, comment=payload.comment
    )
    return _detail(user, pk)


@router.get("/tickets/{pk}/files/{attachment_id}", response={200: None, **ERRORS})
def ticket_file(request, pk: Id, attachment_id: Id):
    user = _resident(request)
    return uploaded_file(selectors.my_attachment(user, pk, attachment_id), as_attachment=False)


@router.get("/announcements", response={200: list[AnnouncementOut], **ERRORS})
def announcements(request):
    """Published announcements for where I live, newest first."""
    return list(selectors.announcements_for(_resident(request), limit=50))


# ---------------------------------------------------------------- staff side


@staff_router.get("/announcements", response={200: list[StaffAnnouncementOut], **ERRORS})
def staff_announcements(request, params: Query[ListIn]):
    user = _staff(request)
    selectors.require_announcement_reader(user)
    qs = selectors.announcements_visible_to(user).order_by("-id")
    if params.cursor is not None:
        qs = qs.filter(id__lt=params.cursor)
    return list(qs[: params.limit])


def _announcement_fields(user, payload) -> dict:
    """The community, building and publish time an announcement payload names, in scope."""
    community = selectors.announcement_communities(user).filter(pk=payload.community).first()
    if community is None:
        raise _field_error("community", _("找不到该记录,或不在您的权限范围内。"))
    building = None
    if payload.building is not None:
        building = (
            selectors.announcement_buildings(user)
            .filter(pk=payload.building, community=community)
            .first()
        )
        if building is None:
            raise _field_error("building", _("楼栋不在该小区。"))
    publish_at = payload.publish_at
    if publish_at is not None and timezone.is_naive(publish_at):
        publish_at = timezone.make_aware(publish_at)  # a time without offset is local time
    return {
        "community": community,
        "building": building,
        "title": payload.title,
        "body": payload.body,
        "publish_at": publish_at,
    }


@staff_router.post("/announcements", response={201: StaffAnnouncementOut, **ERRORS})
def staff_announcement_create(request, payload: AnnouncementIn):
    """Write an announcement to a community or one of its buildings; e-mailed when published."""
    user = _staff(request)
    services.require_announcer(user)
    announcement = services.announcement_create(by=user, **_announcement_fields(user, payload))
    announcement.refresh_from_db()
    return Status(201, announcement)


def _staff_announcement(user, pk):
    selectors.require_announcement_reader(user)
    return get_object_or_404(selectors.announcements_visible_to(user), pk=pk)


@staff_router.put("/announcements/{pk}", response={200: StaffAnnouncementOut, **ERRORS})
def staff_announcement_update(request, pk: Id, payload: AnnouncementIn):
    """Correct an announcement: its text and scope, and its publish time until it is
    published. An e-mail already sent is not sent again; a withdrawn one cannot change
    (422, `withdrawn`)."""
    user = _staff(request)
    announcement = _staff_announcement(user, pk)
    services.require_announcer(user)
    announcement = services.announcement_update(
        by=user, announcement=announcement, **_announcement_fields(user, payload)
    )
    announcement.refresh_from_db()
    return announcement


@staff_router.post("/announcements/{pk}/withdraw", response={200: StaffAnnouncementOut, **ERRORS})
def staff_announcement_withdraw(request, pk: Id, payload: WithdrawIn):
    """Withdraw an announcement: off the portal at once, its e-mail not sent if not yet."""
    user = _staff(request)
    announcement = _staff_announcement(user, pk)
    return services.announcement_withdraw(by=user, announcement=announcement, reason=payload.reason)


def _queue_out(s) -> dict:
    return {
        "id": s.pk,
        "name": s.name,
        "masked_phone": s.masked_phone,
        "phone_verified": s.phone_verified_at is not None,
        "email": s.email,
        "room_id": s.room_id,
        "room": s.room.address,
        "status": s.status,
        "reason": s.reason,
        "created_at": s.created_at,
    }


@staff_router.get("/signups", response={200: list[SignupQueueOut], **ERRORS})
def staff_signups(request):
    """Sign-ups waiting for an assistant or manager of the room's community."""
    user = _staff(request)
    selectors.require_signup_staff(user)
    return [_queue_out(s) for s in selectors.pending_signups(user).order_by("id")[:200]]


@staff_router.post("/signups/{pk}", response={200: SignupQueueOut, **ERRORS})
def staff_signup_decide(request, pk: Id, payload: SignupDecisionIn):
    """Link to an existing resident (`resident`), create one (`role`), or refuse (`reason`)."""
    user = _staff(request)
    signup = selectors.signup_get_for_user(user, pk)
    if payload.decision == "refuse":
        services.signup_refuse(by=user, signup=signup, reason=payload.reason)
    else:
        resident = None
        if payload.decision == "link":
            resident = (
                selectors.signup_link_candidates(user, signup)
                .filter(pk=payload.resident or 0)
                .first()
            )
            if resident is None:
                raise _field_error("resident", _("找不到该记录,或不在您的权限范围内。"))
        services.signup_approve(by=user, signup=signup, resident=resident, role=payload.role)
    return _queue_out(selectors.signup_get_for_user(user, pk))


router.add_router("/staff", staff_router)
