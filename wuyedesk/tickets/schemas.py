"""What the service-desk API returns and accepts: tickets and incidents (the knowledge base's
and the tasks' are in knowledge/schemas.py and assignments/schemas.py).

People are named by their staff id (the id of GET /api/v1/staff), residents' phones leave
masked, and every id a client sends is looked up again in what that client may see.
"""

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict, model_validator

from wuyedesk.accounts.models import User
from wuyedesk.api.schemas import MAX_ID, Day, Id, Text, Title, When
from wuyedesk.tickets.actions import lead
from wuyedesk.tickets.choices import (
    AckMethod,
    Channel,
    DispatchPurpose,
    EventKind,
    Kind,
    Outcome,
    Satisfaction,
    Severity,
    Status,
)
from wuyedesk.tickets.display import clocks
from wuyedesk.tickets.models import Category
from wuyedesk.tickets.rows import person_of
from wuyedesk.tickets.selectors import ATTENTIONS, DUE_WINDOWS, timeline_of
from wuyedesk.tickets.visibility import audience_of, event_body

KindName = Literal[tuple(Kind.values)]
ChannelName = Literal[tuple(Channel.values)]
SeverityName = Literal[tuple(Severity.values)]
StatusName = Literal[tuple(Status.values)]
SatisfactionName = Literal[tuple(Satisfaction.values)]
DueWindow = Literal[DUE_WINDOWS]
AttentionName = Literal[ATTENTIONS]
QueueName = Literal["mine", "team", "department", "overdue", "unassigned", "return_visits", "all"]
# A ticket's version is a PositiveIntegerField: anything bigger can only be stale.
Version = Annotated[int, Field(ge=1, le=2**31 - 1, description="the version you saw")]


# ---------------------------------------------------------------- output: references
#
# A ticket as the list and the answers show it (TicketOut and the references in it) is a
# plain pydantic model: pydantic validates the list's 50 dicts (rows.list_items) itself,
# where a ninja Schema wraps every object and nested object in a getter read in Python
# field by field. A model instance (one ticket's answer) is read by its attributes
# (`from_attributes`); a category and a person are turned into their dicts first.


class Ref(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str


class PersonRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    staff_id: int | None
    name: str

    @model_validator(mode="before")
    @classmethod
    def _from_user(cls, data):
        return person(data) if isinstance(data, User) else data


def person(user) -> dict | None:
    """A user as the API names people: by staff id and name, the username for a staff
    record without a name (select_related `…__staff`)."""
    if user is None:
        return None
    staff = getattr(user, "staff", None)
    if staff is None:
        return {"staff_id": None, "name": user.get_username()}
    return {"staff_id": staff.pk, "name": staff.name or user.get_username()}


class CategoryRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str = Field(..., description="上级/分类, e.g. 维修/电梯")

    @model_validator(mode="before")
    @classmethod
    def _from_category(cls, data):
        if isinstance(data, Category):
            return {"id": data.pk, "code": data.code, "name": str(data)}
        return data


class RoomRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    address: str


class ResidentRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    phone: str = Field(
        ..., alias="masked_phone", description="masked; see POST /residents/…/reveal"
    )


class TicketRef(Schema):
    id: int
    number: str
    title: str
    status: str


# ---------------------------------------------------------------- output: tickets


class TicketOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    kind: str
    channel: str
    severity: str
    status: str
    outcome: str = Field(..., description=f"one of {', '.join(Outcome.values)} or empty")
    category: CategoryRef
    community: Ref
    building: Ref | None
    room: RoomRef | None
    resident: ResidentRef | None
    title: str
    description: str
    contact_at: dt.datetime
    created_at: dt.datetime
    owner: PersonRef | None
    department: Ref | None
    incident_id: int | None
    merged_into_id: int | None
    first_contact_resolution: bool
    follow_up_due: dt.datetime | None
    followed_up_at: dt.datetime | None
    reported_at: dt.datetime | None
    investigation_due: dt.datetime | None
    decided_at: dt.datetime | None
    feedback_at: dt.datetime | None
    return_visit_due: dt.datetime | None
    return_visit_at: dt.datetime | None
    satisfaction: str
    closed_at: dt.datetime | None
    next_due: dt.datetime | None
    overdue: bool = Field(..., alias="is_overdue")
    overdue_since: dt.datetime | None
    manager_acknowledged_at: dt.datetime | None
    version: int = Field(
        ...,
        description="the ticket's version, raised by every change: send it back as `version` "
        "with an action (POST /tickets/{id}/…), and the action is refused with 409 `conflict` "
        "when someone changed the ticket since you read it (nothing changes; read it again)",
    )


class EventOut(Schema):
    id: int
    kind: str = Field(..., description=f"one of {', '.join(EventKind.values)}")
    at: dt.datetime
    actor: PersonRef | None
    body: str
    public: bool = Field(..., description="its text was written to the customer")
    audience: str = Field(
        ...,
        description="who reads it: customer (row and text), progress (the customer sees only "
        "that it happened, e.g. a transfer), internal (staff and departments only)",
    )
    channel: str
    data: dict

    @staticmethod
    def resolve_actor(obj):
        return person(obj.actor)

    @staticmethod
    def resolve_audience(obj):
        return audience_of(obj)

    @staticmethod
    def resolve_body(obj):
        return event_body(obj)  # in the requester's language (issue #12 point 9)


class DispatchOut(Schema):
    id: int
    purpose: str = Field(..., description=f"one of {', '.join(DispatchPurpose.values)}")
    department: Ref
    assignee: PersonRef | None
    note: str
    created_by: PersonRef
    created_at: dt.datetime
    due: dt.datetime | None
    reply: str
    replied_by: PersonRef | None
    replied_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    open: bool = Field(..., alias="is_open")

    @staticmethod
    def resolve_assignee(obj):
        return person_of(obj.assignee_id)

    @staticmethod
    def resolve_created_by(obj):
        return person_of(obj.created_by_id)

    @staticmethod
    def resolve_replied_by(obj):
        return person_of(obj.replied_by_id)


class MeasureOut(Schema):
    id: int
    what: str
    department: Ref
    owner: PersonRef | None
    due: dt.date
    done_at: dt.datetime | None
    verified_at: dt.datetime | None
    verified_by: PersonRef | None

    @staticmethod
    def resolve_owner(obj):
        return person_of(obj.owner_id)

    @staticmethod
    def resolve_verified_by(obj):
        return person_of(obj.verified_by_id)


class ReturnVisitOut(Schema):
    id: int
    at: dt.datetime
    by: PersonRef
    channel: str
    reached: bool
    satisfaction: str
    words: str

    @staticmethod
    def resolve_by(obj):
        return person_of(obj.by_id)


class ClockOut(Schema):
    name: Literal["follow_up", "investigation", "return_visit"]
    label: str
    due: dt.datetime
    met_at: dt.datetime | None
    running: bool
    overdue: bool
    basis: str = Field(
        "",
        description="how the deadline was computed, in your language: its start event, "
        "calendar or working hours, the holidays skipped (empty for tickets from before)",
    )


# The API path of each ticket-page action under /tickets/{id}/ where it differs from the slug.
ACTION_PATHS = {
    "follow_up": "follow-up",
    "investigate": "investigation",
    "decide": "decision",
    "return_visit": "return-visit",
}


class StepOut(Schema):
    action: str = Field(..., description="the action that takes this step")
    path: str = Field(..., description="its API path under /tickets/{id}/")
    missing: str = Field(..., description="what is missing, in your language")
    blocks_close: bool = Field(..., description="closing is refused until this is done")
    yours: bool = Field(..., description="whether you may take this step now")


class NextOut(Schema):
    primary: str = Field(
        ...,
        description="the one action to take now, as the ticket page leads with it; empty when "
        "the next step is somebody else's or the ticket is closed",
    )
    steps: list[StepOut] = Field(..., description="what the ticket still needs, in order")


def next_of(user, ticket) -> dict:
    """The ticket page's lead (tickets/actions.py `lead`) for the API."""
    the_lead = lead(user, ticket)
    return {
        "primary": the_lead.primary,
        "steps": [
            {
                "action": mine or step.actions[0],
                "path": ACTION_PATHS.get(mine or step.actions[0], mine or step.actions[0]),
                "missing": step.missing,
                "blocks_close": step.blocks_close,
                "yours": bool(mine),
            }
            for step, mine in the_lead.steps
        ],
    }


class TicketDetailOut(TicketOut, Schema):
    related: list[TicketRef] = Field(
        ..., alias="related_visible", description="linked tickets you may see"
    )
    timeline: list[EventOut] = Field(..., description="what happened, oldest first")
    dispatches: list[DispatchOut] = Field(
        ..., description="its transfers and investigations sent to departments, with replies"
    )
    measures: list[MeasureOut] = Field(
        ..., description="a complaint's corrective measures (empty for other kinds)"
    )
    return_visits: list[ReturnVisitOut]
    clocks: list[ClockOut] = Field(
        ..., description="the deadlines that have started: follow-up, investigation, return visit"
    )
    next: NextOut = Field(..., description="what comes next for you, as the ticket page says")

    @staticmethod
    def resolve_next(obj, context):
        return next_of(context["request"].auth, obj)

    @staticmethod
    def resolve_owner(obj):
        # Named from the names each process holds, as the rows below name people: the read
        # of a ticket's page and detail joins no account (selectors.TICKET_PAGE).
        return person_of(obj.owner_id)

    @staticmethod
    def resolve_timeline(obj):
        return list(timeline_of(obj))

    @staticmethod
    def resolve_dispatches(obj):
        return obj.rows("dispatches")

    @staticmethod
    def resolve_measures(obj):
        return obj.rows("measures")

    @staticmethod
    def resolve_return_visits(obj):
        return obj.rows("return_visits")

    @staticmethod
    def resolve_clocks(obj):
        return [
            {
                "name": clock.name,
                "label": clock.label,
                "due": clock.due,
                "met_at": clock.met_at,
                "running": clock.running,
                "overdue": clock.overdue,
                "basis": clock.basis,
            }
            for clock in clocks(obj)
        ]


# ---------------------------------------------------------------- input: tickets


class TicketFilters(Schema):
    queue: QueueName = Field(
        "all",
        description="mine: my open tickets; team: open ones; department: those waiting for "
        "a department (mine, or `department`); overdue; unassigned; return_visits; all",
    )
    q: str | None = Field(None, max_length=100, description="Chinese words or a phone number")
    community: Id | None = None
    kind: KindName | None = None
    category: Id | None = Field(None, description="a category or its parent")
    status: StatusName | None = None
    severity: SeverityName | None = None
    channel: ChannelName | None = None
    date_from: Day | None = Field(None, description="contact day (company time zone), from")
    date_to: Day | None = Field(None, description="contact day, up to and including")
    resident: Id | None = None
    department: Id | None = None
    due: DueWindow | None = Field(
        None,
        description="overdue: the deadline has come; soon: it comes within the policy's "
        "reminder time; today: it falls today (return_visits: the return-visit deadline)",
    )
    attention: AttentionName | None = Field(
        None,
        description="unacknowledged: major complaints and emergencies the manager has not "
        "acknowledged; investigation_late: past the investigation deadline, no decision; "
        "recorded_late: recorded later after the contact than the regulation allows (CMP-1)",
    )
    limit: int = Field(50, ge=1, le=200)
    cursor: int | None = Field(
        None, ge=0, le=MAX_ID, description="next_cursor of the previous page"
    )


class TicketPage(BaseModel):
    items: list[TicketOut]
    next_cursor: int | None = None


class TicketIn(Schema):
    kind: KindName
    channel: ChannelName = "api"
    category: Id = Field(..., description="a category without active sub-categories")
    resident: Id | None = None
    room: Id | None = Field(None, description="the room; or `building` / `community` instead")
    building: Id | None = Field(None, description="a public area of this building")
    community: Id | None = Field(None, description="a public area of this community")
    severity: SeverityName = "normal"
    contact_at: When | None = Field(
        None, description="when the customer made contact; now if absent"
    )
    title: Title = Field("", description="the start of the description if empty")
    description: Text = Field(..., min_length=1)
    answer: Text = Field("", description="an inquiry answered (and closed) at first contact")
    call: Id | None = Field(None, description="the call log row recorded (the page's `?call=`)")


class Versioned(Schema):
    version: Version | None = None


class TransferIn(Versioned):
    department: Id
    assignee: Id | None = Field(
        None, description="staff id of a person of that department; none: the whole department"
    )
    note: Text = Field(
        "",
        description="why (required); internal: for the department, the customer sees only "
        "that the ticket was handed on",
    )


class LinkIn(Schema):
    other: Id = Field(..., description="the id of the related ticket")
    remove: bool = Field(False, description="undo the link")


class DispatchTextIn(Versioned):
    dispatch: Id = Field(..., description="the id of one of the ticket's dispatches")
    text: Text = ""


class ReceiptIn(Versioned):
    method: Literal[tuple(AckMethod.values)] = Field(
        description="how the customer was told their contact is recorded: call (on the call), "
        "in_person, phone (called back), sms, mail, portal"
    )
    note: Text = Field("", description="internal note")


class ContactIn(Versioned):
    channel: ChannelName = "phone"
    text: Text = Field(
        "",
        description="follow-up: the desk's record of the conversation (internal; the customer "
        "sees that they were followed up); feedback: the result, which the customer reads",
    )


class ReasonIn(Versioned):
    reason: Text = ""


class InvestigationIn(Versioned):
    departments: list[Id] = Field(..., max_length=20)
    note: Text = ""


class MeasureIn(Schema):
    what: Text = ""
    department: Id
    owner: Id | None = Field(None, description="staff id")
    due: Day


class DecisionIn(Versioned):
    decision: Text = ""
    measures: list[MeasureIn] = Field([], max_length=10)


class MeasureMarkIn(Versioned):
    done: bool = False
    verified: bool = Field(False, description="manager only, after done")


class ReturnVisitIn(Versioned):
    channel: ChannelName = "phone"
    reached: bool
    satisfaction: SatisfactionName | Literal[""] = ""
    words: Text = ""


class CloseIn(Versioned):
    note: Text = ""


class MergeIn(Versioned):
    into: Id = Field(..., description="the ticket that carries on, of the same kind")
    reason: Text = Field(
        "",
        description="internal; required when the kinds differ, which only the manager may do "
        "(audited)",
    )


class CommentIn(Versioned):
    text: Text = ""
    public: bool = Field(False, description="a message to the customer rather than a note")
    channel: ChannelName | Literal[""] = ""


class AssignIn(Versioned):
    owner: Id = Field(..., description="staff id")


# ---------------------------------------------------------------- incidents


class IncidentOut(Schema):
    id: int
    community: Ref
    building: Ref | None
    title: str
    description: str
    severity: str
    created_by: PersonRef
    created_at: dt.datetime
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_created_by(obj):
        return person(obj.created_by)


class IncidentDetailOut(IncidentOut):
    tickets: list[TicketRef] = Field(..., description="the linked tickets you may see")

    @staticmethod
    def resolve_tickets(obj):
        return obj.tickets_seen  # set by the endpoint, from the scoped selector


class IncidentPage(Schema):
    items: list[IncidentOut]
    next_cursor: int | None = None


class IncidentFilters(Schema):
    open: bool | None = Field(None, description="only open (true) or closed (false) ones")
    limit: int = Field(50, ge=1, le=200)
    cursor: int | None = Field(None, ge=0, le=MAX_ID)


class IncidentIn(Schema):
    community: Id
    building: Id | None = None
    title: Title
    description: Text = ""
    severity: SeverityName = "emergency"
    tickets: list[Id] = Field([], max_length=200, description="ticket ids to link at once")


class IncidentLinkIn(Schema):
    ticket: Id


class IncidentUpdateIn(Schema):
    text: Text = Field("", description="reaches every open linked ticket, customer-visible")
    close: bool = False


class IncidentUpdateOut(Schema):
    reached: int = Field(..., description="how many tickets the update reached")
    incident: IncidentDetailOut
