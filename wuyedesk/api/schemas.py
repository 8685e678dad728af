"""What the API returns and accepts for each record type. Personal data leaves masked."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator

# The largest id a BIGINT column holds. Bigger numbers cannot name a record, and passed on to
# the database they overflow (a 500 on SQLite) instead of simply matching nothing.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]

# Dates before this are typos, after it too; both would overflow the clocks' arithmetic.
EARLIEST, LATEST = 2000, 2100


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text may not contain NUL characters")
    return value


def _aware(value: dt.datetime) -> dt.datetime:
    """Times without a zone are the company's (Asia/Shanghai by default), as on the pages."""
    if not EARLIEST <= value.year <= LATEST:
        raise ValueError(f"year must be between {EARLIEST} and {LATEST}")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _sane_date(value: dt.date) -> dt.date:
    if not EARLIEST <= value.year <= LATEST:
        raise ValueError(f"year must be between {EARLIEST} and {LATEST}")
    return value


def _text(max_length: int):
    return Annotated[str, Field(max_length=max_length), AfterValidator(_no_nul)]


Title = _text(120)
Question = _text(200)
Text = _text(5000)
LongText = _text(10000)
When = Annotated[dt.datetime, AfterValidator(_aware)]
Day = Annotated[dt.date, AfterValidator(_sane_date)]


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None
    errors: list[dict] | None = None


class ThrottledOut(ErrorOut):
    """A 429: over a rate limit (code `throttled`, with `retry_after`) or locked out."""

    retry_after: int | None = Field(
        None,
        description="seconds until the limit lets you in again, as in the Retry-After header",
        exclude_if=lambda value: value is None,
    )


class TokenIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=256)
    otp: str | None = Field(
        None,
        max_length=20,
        description="for staff whose post requires two-factor login (or who enrolled): "
        "the 6-digit code of their authenticator app, or a recovery code",
    )


class TokenOut(Schema):
    token: str


class TokenInfo(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class CommunityOut(Schema):
    id: int
    code: str
    name: str
    city: str
    district: str
    address: str
    archived: bool = Field(..., alias="is_archived")


class CommunityIn(Schema):
    code: str = Field(..., max_length=32)
    name: str = Field(..., max_length=100)
    city: str = Field("", max_length=40)
    district: str = Field("", max_length=40)
    address: str = Field("", max_length=200)


class BuildingOut(Schema):
    id: int
    community_id: int
    name: str
    archived: bool = Field(..., alias="is_archived")


class BuildingIn(Schema):
    community: Id
    name: str = Field(..., max_length=40)


class UnitOut(Schema):
    id: int
    community_id: int
    building_id: int
    name: str
    archived: bool = Field(..., alias="is_archived")


class UnitIn(Schema):
    building: Id
    name: str = Field(..., max_length=40)


class RoomOut(Schema):
    id: int
    community_id: int
    building_id: int
    unit_id: int
    number: str
    floor: int | None
    area: Decimal | None
    address: str
    archived: bool = Field(..., alias="is_archived")


class RoomIn(Schema):
    unit: Id
    number: str = Field(..., max_length=20)
    floor: int | None = Field(None, ge=-10, le=300)
    area: Decimal | None = Field(None, ge=0, le=100000, max_digits=8, decimal_places=2)


class ResidentOut(Schema):
    id: int
    name: str
    phone: str = Field(..., alias="masked_phone", description="masked; see POST …/reveal")
    id_number: str = Field(..., alias="masked_id_number")
    address: str = Field(..., alias="masked_address")
    email: str
    gender: str
    community_id: int
    notes: str
    archived: bool = Field(..., alias="is_archived")


class ResidentIn(Schema):
    name: str = Field(..., max_length=50)
    phone: str = Field(..., max_length=20)
    email: str = Field("", max_length=254)
    id_number: str = Field("", max_length=18)
    gender: str = Field("", max_length=1)
    address: str = Field("", max_length=200)
    community: Id
    notes: str = Field("", max_length=5000)


class RevealIn(Schema):
    field: Literal["phone", "id_number", "address"]


class RevealOut(Schema):
    field: str
    value: str


class OccupancyOut(Schema):
    id: int
    resident_id: int
    room_id: int
    community_id: int
    role: str
    move_in: dt.date | None
    move_out: dt.date | None


class OccupancyIn(Schema):
    resident: Id
    room: Id
    role: str = Field(..., max_length=10)
    move_in: dt.date | None = None
    move_out: dt.date | None = None


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    community_ids: list[int]
    contact_name: str
    contact_phone: str
    archived: bool = Field(..., alias="is_archived")

    @staticmethod
    def resolve_community_ids(obj) -> list[int]:
        return sorted(c.id for c in obj.communities.all())


class DepartmentIn(Schema):
    code: str = Field(..., max_length=32)
    name: str = Field(..., max_length=60)
    kind: str = Field("internal", max_length=10)
    communities: list[Id] = []
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=20)


class StaffOut(Schema):
    id: int
    username: str = Field(..., alias="user.username")
    name: str
    employee_no: str
    posts: list[str] = Field(..., alias="post_list")
    department_id: int | None
    community_ids: list[int]
    phone: str
    extension: str
    email: str
    hire_date: dt.date | None
    archived: bool = Field(..., alias="is_archived")

    @staticmethod
    def resolve_community_ids(obj) -> list[int]:
        return sorted(c.id for c in obj.communities.all())


class StaffIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field("", max_length=128)
    name: str = Field(..., max_length=50)
    employee_no: str = Field(..., max_length=20)
    posts: list[str]
    department: Id | None = None
    communities: list[Id] = []
    phone: str = Field("", max_length=20)
    extension: str = Field("", max_length=10)
    email: str = Field("", max_length=254)
    hire_date: dt.date | None = None


SCHEMAS = {
    "communities": (CommunityOut, CommunityIn),
    "buildings": (BuildingOut, BuildingIn),
    "units": (UnitOut, UnitIn),
    "rooms": (RoomOut, RoomIn),
    "residents": (ResidentOut, ResidentIn),
    "occupancies": (OccupancyOut, OccupancyIn),
    "departments": (DepartmentOut, DepartmentIn),
    "staff": (StaffOut, StaffIn),
}
