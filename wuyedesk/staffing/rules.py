"""Who may see and do what in rosters and attendance (MGT-1, AST-5; issue #16 point 7).

- everyone on the staff clocks in and out, asks for leave and corrections, and reads their own
  records;
- the manager and the assistant of a department draw up its shifts and rosters and read its
  attendance (the manager also approves leave and corrections);
- executives read every department's attendance; the administrator reads none unless also a
  manager.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from wuyedesk.accounts.access import community_ids, has_post, is_staff_member, staff_of
from wuyedesk.accounts.models import User
from wuyedesk.staffing.choices import APPROVERS, COMPANY_READERS, ROSTER_EDITORS


def own_department_id(user) -> int | None:
    staff = staff_of(user)
    return staff.department_id if staff else None


def department_ids(user) -> frozenset[int] | None:
    """The departments whose attendance the user reads: None for every one, an empty set for
    none."""
    if has_post(user, *COMPANY_READERS):
        return None
    if has_post(user, *ROSTER_EDITORS):
        own = own_department_id(user)
        return frozenset({own}) if own else frozenset()
    return frozenset()


def may_read_department(user) -> bool:
    ids = department_ids(user)
    return ids is None or bool(ids)


def may_edit_rosters(user) -> bool:
    return has_post(user, *ROSTER_EDITORS) and own_department_id(user) is not None


def may_approve(user) -> bool:
    return has_post(user, *APPROVERS) and own_department_id(user) is not None


def require_staff(user) -> None:
    if not is_staff_member(user):
        raise PermissionDenied


def staff_users(user):
    """The active staff accounts whose attendance `user` reads: executives everyone; the
    manager and the assistant the people of their department who share one of their
    communities (or have none)."""
    ids = department_ids(user)
    found = User.objects.filter(staff__isnull=False, staff__archived_at__isnull=True)
    if ids is None:
        return found
    found = found.filter(staff__department_id__in=ids)
    communities = community_ids(user)
    if communities is None:
        return found
    shared = User.objects.filter(staff__communities__in=communities).values("pk")
    return found.filter(Q(pk__in=shared) | Q(staff__communities__isnull=True))


def staff_users_of_department(department_id: int):
    return User.objects.filter(
        staff__department_id=department_id, staff__archived_at__isnull=True, is_active=True
    )


def may_read_person(user, person) -> bool:
    if person.pk == user.pk:
        return is_staff_member(user)
    return staff_users(user).filter(pk=person.pk).exists()


def may_decide_for(user, person) -> bool:
    """A manager decides the requests of the people they read, an executive anyone's (a
    manager's own); nobody their own."""
    if person.pk == user.pk or staff_of(person) is None:
        return False
    if has_post(user, *COMPANY_READERS):
        return True
    return may_approve(user) and staff_users(user).filter(pk=person.pk).exists()
