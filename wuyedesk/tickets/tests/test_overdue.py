"""One meaning of "overdue" (issue #13): open, and the soonest running deadline has come.
The queue tab, the API's queue, the dashboard count, its drill-down list, the ticket's badge
and the SLA sweep all see the same tickets, also before the sweep has run."""

import datetime as dt

from django.utils import timezone

from wuyedesk.reports import metrics
from wuyedesk.tickets import selectors, sla
from wuyedesk.tickets.choices import Status
from wuyedesk.tickets.models import Ticket


def _late(ticket, hours):
    """Back-date the ticket's running deadline as if it had been taken `hours` earlier."""
    due = timezone.now() - dt.timedelta(hours=hours)
    Ticket.objects.filter(pk=ticket.pk).update(follow_up_due=due, next_due=due)


def _everywhere(world, client_as, api_as) -> dict[str, set[int]]:
    day = timezone.localdate()
    queue = set(selectors.queue(world.manager, "overdue").values_list("pk", flat=True))
    page = client_as(world.manager).get("/tickets/", {"queue": "overdue"}).content.decode()
    tab = {
        pk for pk in Ticket.objects.values_list("pk", flat=True) if f'data-ticket="{pk}"' in page
    }
    items = api_as(world.manager).get("/api/v1/tickets", queue="overdue", limit=50).json()
    api = {item["id"] for item in items["items"] if item["overdue"]}
    drill = client_as(world.manager).get(
        "/reports/tickets/", {"start": day, "end": day, "metric": "overdue"}
    )
    listed = {t.pk for t in drill.context["page"].object_list}
    badge = {t.pk for t in Ticket.objects.all() if t.is_overdue}
    count = metrics.dashboard(world.manager, metrics.Scope(start=day, end=day))["overdue_now"]
    assert count == len(queue)
    return {"queue": queue, "tab": tab, "api": api, "drill": listed, "badge": badge}


def test_queue_dashboard_and_sweep_agree(world, call, client_as, api_as):
    in_time = call()
    noticed = call()  # its deadline passed and the sweep has noticed
    _late(noticed, 30)
    closed = call()
    _late(closed, 30)
    assert sla.sweep()["overdue"] == 2
    Ticket.objects.filter(pk=closed.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    late = call()  # its deadline passed an hour ago; the sweep has not run since
    _late(late, 1)

    before = _everywhere(world, client_as, api_as)
    # A specialist sees a ticket past its deadline as overdue at once, not at the next sweep.
    assert all(seen == {late.pk, noticed.pk} for seen in before.values()), before
    assert in_time.pk not in before["queue"] and closed.pk not in before["queue"]

    # The sweep notices exactly those it has not notified yet, and then nothing else changes.
    assert sla.sweep()["overdue"] == 1
    assert Ticket.objects.get(pk=late.pk).overdue_since is not None
    stamped = set(
        Ticket.objects.filter(overdue_since__isnull=False, closed_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    assert stamped == before["queue"]
    assert _everywhere(world, client_as, api_as) == before
