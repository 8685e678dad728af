"""The portal API's request and answer schemas (/api/v1/portal/, channels/api.py)."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from wuyedesk.api.schemas import MAX_ID, Id
from wuyedesk.channels.services import COMMENT_MAX, REASON_MAX, TEXT_MAX, TITLE_MAX
from wuyedesk.tickets.choices import Kind


class PortalTokenIn(Schema):
    mobile: str = Field(..., max_length=20)
    password: str = Field(..., max_length=256)


class PortalTokenOut(Schema):
    token: str


class SignupIn(Schema):
    mobile: str = Field(..., max_length=20)
    name: str = Field(..., max_length=50)
    room: Id
    email: str = Field("", max_length=254)
    password: str = Field(..., max_length=256)


class SignupOut(Schema):
    status: str = Field(
        ...,
        description='"verify": a code was sent to the number, send it to /signup/verify with '
        '`verification`; "pending": an assistant decides; "linked": the account is ready '
        '(`token` is a bearer token); "has_account": the proven number already has an account',
    )
    token: str | None = None
    signup_id: int | None = None
    verification: str | None = Field(
        None, description="keep it on the device: it identifies this sign-up to verify/resend"
    )
    masked_mobile: str | None = None
    expires_in: int | None = Field(None, description="seconds the code sent is valid")


class SignupVerifyIn(Schema):
    verification: str = Field(..., min_length=1, max_length=100)
    code: str = Field(..., max_length=12)


class ResendIn(Schema):
    verification: str = Field(..., min_length=1, max_length=100)


class NamedOut(Schema):
    id: int
    name: str


class RoomChoiceOut(Schema):
    id: int
    unit: str
    number: str


class HomeOut(Schema):
    room_id: int
    building_id: int
    community_id: int
    address: str
    role: str


class MeOut(Schema):
    name: str
    homes: list[HomeOut]


class PortalCategoryOut(Schema):
    id: int
    name: str
    group: str | None


class DeadlineOut(Schema):
    label: str
    due: dt.datetime
    met: bool


class PortalEventOut(Schema):
    id: int
    kind: str
    kind_label: str
    at: dt.datetime
    by_me: bool
    body: str
    stars: int | None = None
    attachment_id: int | None = None


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str


class RatingOut(Schema):
    stars: int
    comment: str
    created_at: dt.datetime


class PortalTicketOut(Schema):
    id: int
    number: str
    kind: str
    status: str = Field(..., description="the desk's status code (for apps that kept it)")
    stage: Literal["received", "in_progress", "your_turn", "done"] = Field(
        ...,
        description="where it is, as the resident is told: received, in progress, "
        "waiting for your confirmation (answered: confirm and rate), done",
    )
    status_label: str = Field(..., description="the stage in the resident's words")
    title: str
    category_id: int
    room_id: int | None
    building_id: int | None
    community_id: int
    contact_at: dt.datetime
    closed: bool


class PortalTicketDetailOut(PortalTicketOut):
    description: str
    deadlines: list[DeadlineOut]
    timeline: list[PortalEventOut]
    attachments: list[AttachmentOut]
    rating: RatingOut | None
    may_reply: bool
    may_confirm: bool
    may_rate: bool


class PortalTicketPage(Schema):
    items: list[PortalTicketOut]
    next_cursor: int | None = None


class ListIn(Schema):
    limit: int = Field(20, ge=1, le=100)
    cursor: int | None = Field(None, ge=0, le=MAX_ID)


class SubmitIn(Schema):
    kind: Kind
    category: Id
    room: Id | None = None
    building: Id | None = Field(None, description="a public area of this building instead")
    # Lengths are checked by the service, so that its error names the field plainly.
    title: str = Field("", description=f"at most {TITLE_MAX} characters")
    description: str = Field(..., description=f"at most {TEXT_MAX} characters")


class ReplyIn(Schema):
    text: str = Field(..., min_length=1, max_length=TEXT_MAX)


class ConfirmIn(Schema):
    text: str = Field("", max_length=COMMENT_MAX)


class RateIn(Schema):
    stars: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=COMMENT_MAX)


class AnnouncementOut(Schema):
    id: int
    community_id: int
    building_id: int | None
    title: str
    body: str
    publish_at: dt.datetime


class StaffAnnouncementOut(AnnouncementOut):
    emailed_at: dt.datetime | None
    emailed_count: int
    updated_at: dt.datetime | None = Field(None, description="when it was last corrected")
    withdrawn_at: dt.datetime | None = Field(None, description="withdrawn: off the portal")
    withdraw_reason: str = ""


class WithdrawIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)


class AnnouncementIn(Schema):
    community: Id
    building: Id | None = None
    title: str = Field(..., min_length=1, max_length=100)
    body: str = Field(..., min_length=1, max_length=5000)
    publish_at: dt.datetime | None = None


class SignupQueueOut(Schema):
    id: int
    name: str
    masked_phone: str
    phone_verified: bool
    email: str
    room_id: int
    room: str
    status: str
    reason: str
    created_at: dt.datetime


class SignupDecisionIn(Schema):
    decision: str = Field(..., pattern="^(link|create|refuse)$")
    resident: Id | None = None
    role: str = Field("owner", pattern="^(owner|family|tenant)$")
    reason: str = Field("", max_length=REASON_MAX)
