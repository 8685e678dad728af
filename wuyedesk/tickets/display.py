"""How deadlines read on the pages: "due in 3 h 20 min" / "overdue by 1 d 2 h"."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def span(delta: dt.timedelta) -> str:
    """A duration in words, to the minute: 2天3小时, 3小时20分钟, 15分钟."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)s天%(h)s小时") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s小时%(m)s分钟") % {"h": hours, "m": minutes}
    return _("%(m)s分钟") % {"m": minutes}


def relative(due, now=None) -> tuple[str, bool]:
    """("剩余 …" or "已超时 …", overdue?) for a deadline."""
    now = now or timezone.now()
    if due > now:
        return _("剩余 %(span)s") % {"span": span(due - now)}, False
    return _("已超时 %(span)s") % {"span": span(now - due)}, True


@dataclass
class Clock:
    label: str
    due: dt.datetime
    met_at: dt.datetime | None
    running: bool
    overdue: bool
    text: str


CLOCKS = [
    ("follow_up_due", "followed_up_at", gettext_lazy("跟进期限")),
    ("investigation_due", "decided_at", gettext_lazy("调查处理期限")),
    ("return_visit_due", "return_visit_at", gettext_lazy("回访期限")),
]


def clocks(ticket, now=None) -> list[Clock]:
    """Every clock the ticket has: running ones with time left/over, met ones with when."""
    now = now or timezone.now()
    out = []
    for due_field, met_field, label in CLOCKS:
        due = getattr(ticket, due_field)
        if due is None:
            continue
        met_at = getattr(ticket, met_field)
        running = met_at is None and not ticket.is_closed
        if running:
            text, overdue = relative(due, now)
        elif met_at is not None:
            overdue = met_at > due
            text = _("超时完成") if overdue else _("按时完成")
        else:
            text, overdue = _("工单已关闭"), False
        out.append(Clock(str(label), due, met_at, running, overdue, text))
    return out
