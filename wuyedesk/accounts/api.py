"""/api/v1/two-factor: the administrator's view of staff two-factor login, and the reset of a
person who lost their phone (accounts/twofactor.py). Other posts get 403."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from wuyedesk.accounts import selectors, twofactor
from wuyedesk.accounts.access import require_post
from wuyedesk.accounts.choices import Post
from wuyedesk.api.schemas import MAX_ID, ErrorOut

router = Router(tags=["two-factor"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class StaffTwoFactorOut(Schema):
    staff_id: int
    name: str
    username: str
    required: bool = Field(description="a post of this person must use two-factor login")
    enrolled: bool = Field(description="an authenticator app is set up")


class ResetOut(Schema):
    staff_id: int
    removed: int = Field(description="authenticators and recovery-code sets removed")


class StaffFilter(Schema):
    q: str = Field("", max_length=50, description="part of a name or username")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=100_000)


def _row(staff, required_posts) -> dict:
    return {
        "staff_id": staff.pk,
        "name": staff.name,
        "username": staff.user.username,
        "required": bool(set(staff.post_list) & required_posts),
        "enrolled": staff.enrolled,
    }


@router.get("/staff", response={200: list[StaffTwoFactorOut], **ERRORS})
def staff_list(request, filters: Query[StaffFilter]):
    """Active staff and their two-factor state (administrator)."""
    require_post(request.auth, Post.ADMIN)
    rows = selectors.staff_two_factor(request.auth, q=filters.q.strip())
    required_posts = twofactor.session_policy()[0]
    window = rows[filters.offset : filters.offset + filters.limit]
    return [_row(staff, required_posts) for staff in window]


@router.post("/staff/{staff_id}/reset", response={200: ResetOut, **ERRORS})
def staff_reset(request, staff_id: int):
    """Remove a person's authenticator and recovery codes (administrator; audited). They
    set up an authenticator again at their next login."""
    require_post(request.auth, Post.ADMIN)
    if not 0 < staff_id <= MAX_ID:
        raise Http404
    staff = get_object_or_404(selectors.staff_two_factor(request.auth), pk=staff_id)
    removed = twofactor.reset(by=request.auth, staff=staff)
    return {"staff_id": staff.pk, "removed": removed}
