"""Who may do what in supervision (SUP-1, MGT-2).

- Inspectors are holders of the supervisor post with an active appointment to the group
  (GroupMember). They inspect every staff member who serves one of their communities
  (anyone, for a company-wide scope) and never themselves.
- The manager and executives appoint the group's members; they and the members keep the
  checklists.
- The person inspected sees their own inspections once closed (and answers them); the
  manager sees the inspections of the people of their department (and of staff without a
  department in their communities); executives see the
  figures only (selectors.inspection_figures), not item comments.
- While a calibration runs, each of its two inspections shows its scores only to its own
  inspector (blind), until both are closed.
"""

from django.db.models import Q

from wuyedesk.accounts.access import community_ids, has_post, is_staff_member, staff_of
from wuyedesk.accounts.models import User
from wuyedesk.core import versions
from wuyedesk.supervision.choices import (
    APPOINTERS,
    CHECKLIST_KEEPERS,
    DEPARTMENT_READERS,
    INSPECTOR_POSTS,
    SUMMARY_READERS,
    Status,
)
from wuyedesk.supervision.models import Calibration, GroupMember, Inspection

# The version every write to a membership, an inspection or a calibration bumps
# (receivers.py; the sampling's bulk insert bumps it itself). The group's current members are
# kept under it, at most MEMBERS_SECONDS: every supervision page and the supervisor's home
# ask who is a member up to three times a request, a query each (issue #12 Speed); the
# supervisor's home keeps its counts under it.
VERSION = "supervision"
MEMBERS_SECONDS = 300


def _members() -> frozenset[int]:
    def build():
        active = GroupMember.objects.filter(ended_at__isnull=True)
        return frozenset(active.values_list("user_id", flat=True))

    return versions.cached(VERSION, "user-ids", build, MEMBERS_SECONDS)


def is_member(user) -> bool:
    if not is_staff_member(user):
        return False
    return user.pk in _members()


def is_inspector(user) -> bool:
    return has_post(user, *INSPECTOR_POSTS) and is_member(user)


def may_appoint(user) -> bool:
    return has_post(user, *APPOINTERS)


def may_keep_checklists(user) -> bool:
    return has_post(user, *CHECKLIST_KEEPERS) or is_inspector(user)


def may_plan(user) -> bool:
    return is_inspector(user) or has_post(user, *DEPARTMENT_READERS)


def may_see_summary(user) -> bool:
    return has_post(user, *SUMMARY_READERS) or is_member(user)


def staff_users():
    return User.objects.filter(
        is_active=True, staff__isnull=False, staff__archived_at__isnull=True
    ).select_related("staff")


def people_in_scope(user):
    """The staff an inspector (or a planning manager) may inspect: those serving one of
    their communities, never themselves."""
    if not is_staff_member(user):
        return User.objects.none()
    people = staff_users().exclude(pk=user.pk)
    ids = community_ids(user)
    if ids is None:
        return people
    return people.filter(staff__communities__in=ids).distinct()


def may_inspect(user, person) -> bool:
    return (
        person is not None
        and person.pk != user.pk
        and is_inspector(user)
        and people_in_scope(user).filter(pk=person.pk).exists()
    )


def _department_q(user) -> Q | None:
    if not has_post(user, *DEPARTMENT_READERS):
        return None
    staff = staff_of(user)
    if staff is None:
        return None
    # Staff without a department count as the department's of their communities.
    loose = Q(inspected__staff__department__isnull=True)
    ids = community_ids(user)
    if ids is not None:
        loose &= Q(inspected__staff__communities__in=ids)
    if staff.department_id is None:
        return loose
    return Q(inspected__staff__department_id=staff.department_id) | loose


def inspections_visible_to(user):
    """Inspectors: every inspection of the people in their scope; the manager: those of
    their department; everyone: their own once closed. Never one of an inspector's own
    open inspections of themselves (there are none: may_inspect)."""
    qs = Inspection.objects.select_related(
        "inspected__staff", "inspector__staff", "checklist", "ticket", "call", "plan"
    )
    if not is_staff_member(user):
        return qs.none()
    own_closed = Q(inspected=user, status=Status.CLOSED)
    condition = own_closed
    if is_inspector(user):
        ids = community_ids(user)
        scope = ~Q(inspected=user)
        if ids is not None:
            scope &= Q(inspected__staff__communities__in=ids)
        condition |= scope
    department = _department_q(user)
    if department is not None:
        condition |= department & ~Q(inspected=user)
    return qs.filter(condition).distinct()


def blind_for(user, inspection) -> bool:
    """Scores hidden: the inspection is one side of a calibration not yet complete and the
    user is not its inspector."""
    if inspection.inspector_id == user.pk:
        return False
    pair = Calibration.objects.filter(Q(first=inspection) | Q(second=inspection)).first()
    if pair is None:
        return False
    return (
        Inspection.objects.filter(pk__in=[pair.first_id, pair.second_id])
        .exclude(status=Status.CLOSED)
        .exists()
    )


def may_score(user, inspection) -> bool:
    """The inspection's inspector (or, while nobody has taken it, any inspector who may
    inspect the person)."""
    if inspection.status != Status.OPEN:
        return False
    if inspection.inspector_id is not None and inspection.inspector_id != user.pk:
        return False
    return may_inspect(user, inspection.inspected)
