"""Who may see and do what in the appraisal (MGT-9, issue #16 point 7).

- A person sees their own appraisals; the scores and the records behind them only once
  published (before that: the cycle, the status and their self-assessment).
- The manager sees and reviews the appraisals of the people of their department (never
  their own: an executive reviews a manager's), opens cycles and answers disputes.
- Executives see and review every appraisal.
- The administrator sees no appraisal contents unless they are also a manager or an
  executive; holding the admin post gives nothing here.
"""

from django.db.models import Q

from wuyedesk.accounts.access import has_post, is_staff_member, staff_of
from wuyedesk.appraisal.choices import EXECUTIVES, REVIEWERS, Status
from wuyedesk.appraisal.models import Appraisal


def is_executive(user) -> bool:
    return has_post(user, *EXECUTIVES)


def is_reviewer(user) -> bool:
    return has_post(user, *REVIEWERS) or is_executive(user)


def may_open_cycle(user) -> bool:
    return is_reviewer(user)


def _department_q(user) -> Q | None:
    if not has_post(user, *REVIEWERS):
        return None
    staff = staff_of(user)
    if staff is None or staff.department_id is None:
        return None
    return Q(department_id=staff.department_id) & ~Q(person=user)


def reviewed_by_q(user) -> Q | None:
    """The appraisals the user reviews (None: none)."""
    if not is_staff_member(user):
        return None
    if is_executive(user):
        return ~Q(person=user)
    return _department_q(user)


def appraisals_visible_to(user):
    """Their own (any status: contents hidden until published, see contents_visible) and
    those they review."""
    qs = Appraisal.objects.select_related("cycle", "person__staff", "department")
    if not is_staff_member(user):
        return qs.none()
    condition = Q(person=user)
    reviewed = reviewed_by_q(user)
    if reviewed is not None:
        condition |= reviewed
    return qs.filter(condition)


def may_review(user, appraisal) -> bool:
    if appraisal.person_id == user.pk:
        return False
    if is_executive(user):
        return True
    staff = staff_of(user)
    return (
        has_post(user, *REVIEWERS)
        and staff is not None
        and staff.department_id is not None
        and staff.department_id == appraisal.department_id
    )


def contents_visible(user, appraisal) -> bool:
    """Scores and records: the reviewer always, the person once published."""
    if appraisal.person_id == user.pk:
        return appraisal.status == Status.PUBLISHED
    return may_review(user, appraisal)
