"""What the tasks API returns and accepts (/api/v1/tasks). People are named by staff id."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from wuyedesk.api.schemas import MAX_ID, Id, Text, Title, When
from wuyedesk.tickets.schemas import PersonRef, TicketRef, person


class TaskOut(Schema):
    id: int
    title: str
    description: str
    assignee: PersonRef
    due: dt.datetime
    created_by: PersonRef
    created_at: dt.datetime
    done_at: dt.datetime | None
    result: str
    ticket: TicketRef | None

    @staticmethod
    def resolve_assignee(obj):
        return person(obj.assignee)

    @staticmethod
    def resolve_created_by(obj):
        return person(obj.created_by)


class TaskPage(Schema):
    items: list[TaskOut]
    next_cursor: int | None = None


class TaskFilters(Schema):
    scope: Literal["all", "mine", "given"] = Field(
        "all", description="mine: given to me; given: given by me; all: both"
    )
    done: bool | None = Field(None, description="only done (true) or open (false) ones")
    limit: int = Field(50, ge=1, le=200)
    cursor: int | None = Field(None, ge=0, le=MAX_ID)


class TaskIn(Schema):
    assignee: Id = Field(..., description="staff id")
    title: Title
    description: Text = ""
    due: When
    ticket: Id | None = None


class TaskDoneIn(Schema):
    result: Text = ""
