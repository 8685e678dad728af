"""An incident groups the tickets one event caused; one update reaches them all (MGR-5)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import has_post, in_scope
from wuyedesk.tickets.choices import (
    OPEN_STATUSES,
    EventKind,
    Severity,
)
from wuyedesk.tickets.models import (
    Incident,
    Ticket,
    TicketEvent,
)
from wuyedesk.tickets.services.base import (
    DESK_POSTS,
    _event,
    _invalid,
)


@transaction.atomic
def incident_create(
    *,
    by,
    community,
    title: str,
    description: str = "",
    building=None,
    severity=Severity.EMERGENCY,
    tickets=(),
) -> Incident:
    _require_manager_or_desk(by, community.pk)
    if not (title or "").strip():
        raise _invalid("title", _("请填写标题。"), "required")
    if building is not None and building.community_id != community.pk:
        raise _invalid("building", _("楼栋不在该小区。"))
    incident = Incident.objects.create(
        community=community,
        building=building,
        title=title,
        description=description,
        severity=severity,
        created_by=by,
    )
    for ticket in tickets:
        incident_link(by=by, incident=incident, ticket=ticket)
    return incident


def may_run_incidents(user, community_id=None) -> bool:
    """Customer service runs incidents (of its own communities, when one is named)."""
    if not has_post(user, *DESK_POSTS):
        return False
    return community_id is None or in_scope(user, community_id)


def _require_manager_or_desk(by, community_id):
    if not may_run_incidents(by, community_id):
        raise PermissionDenied


@transaction.atomic
def incident_link(*, by, incident, ticket) -> Ticket:
    _require_manager_or_desk(by, ticket.community_id)
    if ticket.community_id != incident.community_id:
        raise _invalid("ticket", _("工单与事件不在同一小区。"))
    Ticket.objects.filter(pk=ticket.pk).update(incident=incident, version=F("version") + 1)
    _event(ticket, EventKind.INCIDENT, by, incident.title, incident=incident.pk)
    return ticket


@transaction.atomic
def incident_update(*, by, incident, text: str, close: bool = False) -> int:
    """One update reaches every linked ticket's customer-visible timeline (MGR-5)."""
    _require_manager_or_desk(by, incident.community_id)
    if not text.strip():
        raise _invalid("text", _("内容不能为空。"), "required")
    now = timezone.now()
    tickets = list(incident.tickets.filter(status__in=OPEN_STATUSES))
    TicketEvent.objects.bulk_create(
        [
            TicketEvent(
                ticket=t,
                kind=EventKind.INCIDENT,
                actor=by,
                body=text,
                public=True,
                at=now,
                data={"incident": incident.pk},
            )
            for t in tickets
        ]
    )
    if close:
        incident.closed_at = now
        incident.save(update_fields=["closed_at"])
    return len(tickets)
