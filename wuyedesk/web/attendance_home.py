"""The homes' attendance figures (MGT-1, issue #16 point 1): each person's own exceptions this
month, and for the manager and the assistant the department's exceptions, the requests
waiting for a decision and the uncovered service hours of the coming seven days. Each is
(key, label, number, url, alert) for web/home.py's Figure; each url opens the list it
counts."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import is_staff_member, posts_of
from wuyedesk.core import versions
from wuyedesk.staffing import attendance, coverage, kept, monthly, rules


def figures(user) -> list[tuple]:
    """Kept in the cache per person, posts, language and minute until the attendance data
    changes (staffing/kept.py): a month of the department's attendance took 7-8 ms of each
    manager's and assistant's home at 1,000,000 tickets (bench/README.md, issue #12 Speed)."""
    if not is_staff_member(user):
        return []
    now = timezone.localtime()
    key = f"{user.pk}:{'.'.join(sorted(posts_of(user)))}:{get_language()}:{now:%Y%m%d%H%M}"
    return versions.cached(kept.ATTENDANCE_VERSION, key, lambda: _figures(user), 60)


def _figures(user) -> list[tuple]:
    today = timezone.localdate()
    first = today.replace(day=1)
    mine = attendance.people([user.pk], first, today)[user.pk]
    out = [
        (
            "my_attendance_exceptions",
            _("我本月的考勤异常"),
            sum(1 for d in mine.days if d.exception),
            f"{reverse('staffing:me')}?month={first:%Y-%m}&exceptions=1",
            True,
        )
    ]
    if rules.may_edit_rosters(user):
        out.append(
            (
                "attendance_exceptions",
                _("本月考勤异常"),
                len(monthly.exception_days(user, first, today)),
                f"{reverse('staffing:exceptions')}?month={first:%Y-%m}",
                True,
            )
        )
        end = today + dt.timedelta(days=6)
        gaps = coverage.gaps(
            department_id=rules.own_department_id(user), community_id=None, start=today, end=end
        )
        out.append(
            (
                "roster_gaps",
                _("未来 7 天无人值班的服务时段"),
                len(gaps),
                f"{reverse('staffing:roster')}?start={today.isoformat()}",
                True,
            )
        )
    if rules.may_approve(user):
        leave, corrections = monthly.pending_requests(user)
        out.append(
            (
                "attendance_requests",
                _("待审批的考勤申请"),
                leave.count() + corrections.count(),
                reverse("staffing:requests"),
                True,
            )
        )
    return out
