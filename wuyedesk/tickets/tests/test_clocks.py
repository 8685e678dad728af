"""When each clock starts and how it counts, by the regulation (#14 points 4 and 5, CMP-1)."""

import datetime as dt

from django.utils import timezone

from wuyedesk.notifications.models import Notification
from wuyedesk.policies.services import policy
from wuyedesk.testing import policy_in_force
from wuyedesk.tickets import sla
from wuyedesk.tickets.choices import EventKind
from wuyedesk.tickets.services import ticket_feedback, ticket_reopen

SH = dt.timezone(dt.timedelta(hours=8))


def new_version(**fields):
    """New settings in force through the regulation's approval path (a draft of the
    regulation, submitted, approved effective now: wuyedesk.testing.policy_in_force);
    returns the settings in force."""
    policy_in_force(**fields)
    return policy()


def test_inquiry_on_the_last_day_before_national_day_is_due_after_the_holiday(world, call):
    new_version(
        inquiry_follow_up_hours=8,
        inquiry_clock_hours="working",
        service_day_start=dt.time(9),
        service_day_end=dt.time(18),
        use_holiday_calendar=True,
    )
    contact = dt.datetime(2026, 9, 30, 17, 0, tzinfo=SH)
    ticket = call(contact_at=contact)
    assert ticket.follow_up_due == dt.datetime(2026, 10, 8, 16, 0, tzinfo=SH)
    basis = ticket.clock_basis["follow_up"]
    assert basis["mode"] == "working" and basis["event"] == "contact"
    assert basis["version"] == policy().pk
    assert [d["zh"] for d in basis["skipped"]] == ["国庆节"]


def test_24_working_hours_end_on_the_tiaoxiu_saturday(world, call):
    new_version(inquiry_clock_hours="working")
    ticket = call(contact_at=dt.datetime(2026, 9, 30, 17, 0, tzinfo=SH))
    assert ticket.follow_up_due == dt.datetime(2026, 10, 10, 14, 0, tzinfo=SH)


def test_recording_time_as_start_event(world, call):
    new_version(inquiry_clock_start="recorded")
    ticket = call(contact_at=timezone.now() - dt.timedelta(hours=30))
    assert ticket.follow_up_due == ticket.created_at + dt.timedelta(hours=24)
    assert ticket.clock_basis["follow_up"]["event"] == "recorded"


def test_complaint_recorded_49_hours_after_the_call_is_overdue_and_late_manager_told_once(
    world, call, django_capture_on_commit_callbacks
):
    contact = timezone.now() - dt.timedelta(hours=49)
    ticket = call(kind="complaint", contact_at=contact)
    assert ticket.recorded_late
    assert ticket.investigation_due == contact + dt.timedelta(hours=48)
    assert ticket.is_overdue
    assert ticket.clock_basis["investigation"]["event"] == "contact"
    with django_capture_on_commit_callbacks(execute=True):
        first = sla.sweep()
        second = sla.sweep()
    assert first["overdue"] == 1 and second == {"reminded": 0, "overdue": 0, "late": 0}
    notices = Notification.objects.filter(user=world.manager)
    assert notices.exclude(kind="reported").count() == 1
    assert "登记迟于客户联系" in notices.get(kind="overdue").text
    ticket.refresh_from_db()
    assert ticket.late_notified_at is not None
    assert ticket.events.filter(kind=EventKind.DEADLINE_MISSED).count() == 1


def test_late_recording_without_an_overdue_clock_is_told_once(world, call):
    ticket = call(contact_at=timezone.now() - dt.timedelta(minutes=45))
    assert ticket.recorded_late  # the default is 30 minutes
    assert sla.sweep()["late"] == 1
    assert sla.sweep()["late"] == 0
    assert Notification.objects.filter(user=world.manager, kind="late_recorded").count() == 1
    assert not Notification.objects.filter(user=world.specialist_b, kind="late_recorded").exists()


def test_recorded_within_the_minutes_is_not_late(world, call):
    assert not call(contact_at=timezone.now() - dt.timedelta(minutes=20)).recorded_late
    new_version(late_recording_minutes=10)
    assert call(contact_at=timezone.now() - dt.timedelta(minutes=20)).recorded_late


def test_existing_tickets_keep_their_deadline_when_the_settings_change(world, call):
    ticket = call()
    due = ticket.follow_up_due
    new_version(inquiry_follow_up_hours=12)
    ticket.refresh_from_db()
    assert ticket.follow_up_due == due
    assert call().follow_up_due - timezone.now() < dt.timedelta(hours=12, minutes=1)


def test_reopened_complaint_counts_from_the_reopening(world, call):
    from wuyedesk.tickets.services import ticket_decide, ticket_return_visit

    new_version(decision_needs_findings=False, decision_needs_measure=False)
    ticket = call(kind="complaint", contact_at=timezone.now() - dt.timedelta(hours=40))
    ticket_decide(by=world.manager, ticket=ticket, decision="道歉并维修", measures=[])
    ticket_feedback(by=world.specialist, ticket=ticket, channel="phone", text="已告知结果")
    assert ticket.clock_basis["return_visit"]["event"] == "feedback"
    ticket_return_visit(
        by=world.specialist, ticket=ticket, channel="phone", reached=True, satisfaction="satisfied"
    )
    ticket_reopen(by=world.specialist, ticket=ticket, reason="客户再次反映")
    ticket.refresh_from_db()
    assert ticket.clock_basis["investigation"]["event"] == "reopened"
    assert ticket.investigation_due > timezone.now() + dt.timedelta(hours=47)


def test_the_ticket_page_and_api_show_how_the_deadline_was_computed(world, call, client_as, api_as):
    new_version(inquiry_follow_up_hours=8, inquiry_clock_hours="working")
    ticket = call(contact_at=dt.datetime(2026, 9, 30, 17, 0, tzinfo=SH))
    page = client_as(world.specialist).get(f"/tickets/{ticket.pk}/").content.decode()
    expected = "由 2026-09-30 17:00(客户联系时间)起 8 个工作小时,跳过 国庆节 → 2026-10-08 16:00"
    assert expected in page
    assert 'id="ticket-late"' in page  # recorded months after the call
    world.specialist.language = "en"
    world.specialist.save(update_fields=["language"])
    page = client_as(world.specialist).get(f"/tickets/{ticket.pk}/").content.decode()
    english = "8 working hours from 2026-09-30 17:00 (Customer contact time), skipping National Day"
    assert english in page
    clocks = api_as(world.specialist).get(f"/api/v1/tickets/{ticket.pk}").json()["clocks"]
    assert clocks[0]["name"] == "follow_up" and "National Day" in clocks[0]["basis"]


def test_the_managers_home_counts_late_recordings_and_opens_them(world, call, client_as):
    from wuyedesk.web.tests.test_homes import figures, rows_of

    late = call(kind="complaint", contact_at=timezone.now() - dt.timedelta(hours=3))
    call()  # recorded at once
    client = client_as(world.manager)
    url, n = figures(client.get("/").content.decode())["recorded_late"]
    assert n == 1 and "attention=recorded_late" in url
    assert rows_of(client, url) == 1
    assert f'data-ticket="{late.pk}"' in client.get(url).content.decode()


def test_the_dashboard_rate_of_late_recording(world, call, client_as):
    from wuyedesk.reports import metrics

    call(contact_at=timezone.now() - dt.timedelta(hours=3))
    call()
    call(kind="repair", contact_at=timezone.now() - dt.timedelta(hours=3))  # not counted
    today = timezone.localdate()
    scope = metrics.Scope(start=today - dt.timedelta(days=1), end=today)
    figure = metrics.rate(metrics.scoped_tickets(world.manager, scope), "recorded_late")
    assert (figure["numerator"], figure["denominator"]) == (1, 2)
    page = client_as(world.manager).get("/reports/").content.decode()
    assert 'data-rate="recorded_late"' in page and "迟登记率" in page
