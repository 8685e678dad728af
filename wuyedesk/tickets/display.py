"""How deadlines read on the pages: "due in 3 h 20 min" / "overdue by 1 d 2 h"."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuyedesk.policies.calendar import explain
from wuyedesk.tickets.choices import Channel, EventKind

# A timeline row's labels. Django's get_<field>_display hashes every choice of the field at
# each call (30 translated labels for one event kind): read from these maps instead.
EVENT_KINDS = dict(EventKind.choices)
CHANNELS = dict(Channel.choices)


def labelled(events):
    """The timeline's events, each with `kind_label` and `channel_label` in the active
    language."""
    for event in events:
        event.kind_label = EVENT_KINDS.get(event.kind, event.kind)
        event.channel_label = CHANNELS.get(event.channel, event.channel)
    return events


def words() -> dict[str, str]:
    """The phrases of a deadline in the active language; a list translates them once."""
    return {
        "days": _("%(d)s天%(h)s小时"),
        "hours": _("%(h)s小时%(m)s分钟"),
        "minutes": _("%(m)s分钟"),
        "left": _("剩余 %(span)s"),
        "over": _("已超时 %(span)s"),
    }


def span(delta: dt.timedelta, phrases=None) -> str:
    """A duration in words, to the minute: 2天3小时, 3小时20分钟, 15分钟."""
    phrases = phrases or words()
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return phrases["days"] % {"d": days, "h": hours}
    if hours:
        return phrases["hours"] % {"h": hours, "m": minutes}
    return phrases["minutes"] % {"m": minutes}


def relative(due, now=None, phrases=None) -> tuple[str, bool]:
    """("剩余 …" or "已超时 …", overdue?) for a deadline."""
    now = now or timezone.now()
    phrases = phrases or words()
    if due > now:
        return phrases["left"] % {"span": span(due - now, phrases)}, False
    return phrases["over"] % {"span": span(now - due, phrases)}, True


@dataclass
class Clock:
    label: str
    due: dt.datetime
    met_at: dt.datetime | None
    running: bool
    overdue: bool
    text: str
    # How the deadline was computed (issue #14): "由 … 起 24 个工作小时,跳过 国庆节 → …".
    basis: str = ""
    name: str = ""  # follow_up, investigation, return_visit


CLOCKS = [
    ("follow_up_due", "followed_up_at", gettext_lazy("跟进期限"), "follow_up"),
    ("investigation_due", "decided_at", gettext_lazy("调查处理期限"), "investigation"),
    ("return_visit_due", "return_visit_at", gettext_lazy("回访期限"), "return_visit"),
]


def clocks(ticket, now=None) -> list[Clock]:
    """Every clock the ticket has: running ones with time left/over, met ones with when."""
    now = now or timezone.now()
    out = []
    bases = ticket.clock_basis or {}
    for due_field, met_field, label, name in CLOCKS:
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
        basis = bases.get(name)
        # A basis of an earlier round (the deadline has since been set again) is not shown.
        shown = explain(basis) if basis and dt.datetime.fromisoformat(basis["due"]) == due else ""
        out.append(Clock(str(label), due, met_at, running, overdue, text, shown, name))
    return out
