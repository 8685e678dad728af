"""Meetings' services: who may do what, bad input changes nothing, the minutes' states."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wuyedesk.audit.models import AuditEntry
from wuyedesk.meetings import selectors, services
from wuyedesk.meetings.choices import MinutesStatus
from wuyedesk.meetings.models import ActionItem, Meeting, MeetingSeries


def test_only_the_departments_manager_and_assistant_organise(world):
    for person in (world.specialist, world.worker, world.executive, world.supervisor):
        with pytest.raises(PermissionDenied):
            services.meeting_create(
                by=person,
                title="x",
                starts_at=timezone.now(),
                duration_minutes=30,
                attendees=[world.specialist],
            )
    # The manager of community A cannot organise a meeting of community B.
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            by=world.manager,
            title="x",
            starts_at=timezone.now(),
            duration_minutes=30,
            attendees=[world.specialist],
            community=world.b,
        )
    assert not Meeting.objects.exists()


def test_bad_series_input_names_every_field_and_saves_nothing(world):
    with pytest.raises(ValidationError) as error:
        services.series_create(
            by=world.manager,
            title=" ",
            weekday=9,
            start_time=None,
            duration_minutes=0,
            attendees=[],
        )
    assert set(error.value.message_dict) == {
        "title",
        "weekday",
        "start_time",
        "duration_minutes",
        "attendees",
    }
    assert not MeetingSeries.objects.exists()


def test_the_series_next_sitting_is_on_its_weekday_after_the_last(world, weekly):
    first = services.series_schedule_next(by=world.assistant, series=weekly)
    local = timezone.localtime(first.starts_at)
    assert local.weekday() == weekly.weekday and local.time() == weekly.start_time
    assert first.starts_at > timezone.now()
    second = services.series_schedule_next(by=world.assistant, series=weekly)
    assert second.starts_at - first.starts_at == dt.timedelta(days=7)
    assert set(second.attendees.values_list("user_id", flat=True)) == set(
        weekly.attendees.values_list("id", flat=True)
    )
    assert AuditEntry.objects.filter(object_type="meetings.meeting").count() == 2


def test_minutes_draft_submit_return_with_reason_then_approve(world, sitting):
    meeting = sitting(days=-1)
    with pytest.raises(PermissionDenied):  # the manager approves, the assistant drafts
        services.minutes_save(by=world.manager, meeting=meeting, discussion="x", decisions=[])
    with pytest.raises(ValidationError):  # nothing to submit yet
        services.minutes_submit(by=world.assistant, meeting=meeting)
    services.minutes_save(
        by=world.assistant,
        meeting=meeting,
        discussion="各小区投诉情况通报",
        decisions=["每周抽查回访记录", " ", "保洁频次加倍"],
    )
    assert list(meeting.decisions.values_list("text", flat=True)) == [
        "每周抽查回访记录",
        "保洁频次加倍",
    ]
    services.minutes_submit(by=world.assistant, meeting=meeting)
    with pytest.raises(PermissionDenied):
        services.minutes_approve(by=world.assistant, meeting=meeting)
    with pytest.raises(ValidationError) as error:
        services.minutes_return(by=world.manager, meeting=meeting, reason=" ")
    assert "reason" in error.value.message_dict
    meeting.refresh_from_db()
    assert meeting.minutes_status == MinutesStatus.SUBMITTED
    services.minutes_return(by=world.manager, meeting=meeting, reason="决定要写明负责部门")
    assert meeting.minutes_status == MinutesStatus.RETURNED
    services.minutes_save(
        by=world.assistant,
        meeting=meeting,
        discussion="各小区投诉情况通报",
        decisions=["工程部每周抽查"],
    )
    services.minutes_submit(by=world.assistant, meeting=meeting)
    services.minutes_approve(by=world.manager, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.minutes_status == MinutesStatus.APPROVED and meeting.approved_by == world.manager
    with pytest.raises(ValidationError):  # approved minutes are final
        services.minutes_save(by=world.assistant, meeting=meeting, discussion="改", decisions=[])
    steps = [
        e.details.get("minutes")
        for e in AuditEntry.objects.filter(object_type="meetings.meeting").order_by("id")
        if e.details
    ]
    assert steps.count("submitted") == 2 and "returned" in steps and "approved" in steps


def test_minutes_are_read_by_drafters_until_approved_then_by_attendees_and_executives(
    world, sitting, approved
):
    meeting = sitting(days=-1)
    services.minutes_save(by=world.assistant, meeting=meeting, discussion="草稿", decisions=[])
    assert selectors.may_read_minutes(world.assistant, meeting)
    assert selectors.may_read_minutes(world.manager, meeting)
    assert not selectors.may_read_minutes(world.specialist, meeting)  # an attendee
    assert not selectors.meetings_visible_to(world.executive).filter(pk=meeting.pk).exists()
    services.minutes_submit(by=world.assistant, meeting=meeting)
    services.minutes_approve(by=world.manager, meeting=meeting)
    meeting.refresh_from_db()
    assert selectors.may_read_minutes(world.specialist, meeting)
    assert selectors.may_read_minutes(world.executive, meeting)
    for outsider in (world.specialist_b, world.worker, world.supervisor, world.resident):
        assert not selectors.meetings_visible_to(outsider).filter(pk=meeting.pk).exists()


def test_action_items_need_one_owner_and_a_deadline(world, sitting):
    meeting = sitting(days=-1)
    with pytest.raises(ValidationError) as error:
        services.action_add(by=world.assistant, meeting=meeting, title="", owner=None, due=None)
    assert set(error.value.message_dict) == {"title", "owner", "due"}
    with pytest.raises(ValidationError) as error:
        services.action_add(
            by=world.assistant,
            meeting=meeting,
            title="x",
            owner=world.specialist,
            due=timezone.localdate() - dt.timedelta(days=30),
        )
    assert "due" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.action_add(
            by=world.specialist,
            meeting=meeting,
            title="x",
            owner=world.specialist,
            due=timezone.localdate(),
        )
    assert not ActionItem.objects.exists()


def test_only_the_owner_or_an_organiser_closes_an_action_item(world, sitting, approved):
    meeting = approved(sitting(days=-1), actions=[("复查", world.specialist)])
    action = meeting.actions.get()
    with pytest.raises(PermissionDenied):
        services.action_done(by=world.specialist_b, action=action)
    services.action_done(by=world.specialist, action=action, note="完成")
    with pytest.raises(ValidationError):
        services.action_done(by=world.manager, action=action)


def test_attendance_of_attendees_only_once_begun(world, sitting):
    future = sitting(hours=3)
    with pytest.raises(ValidationError):
        services.attendance_record(
            by=world.manager, meeting=future, marks={world.specialist.pk: "present"}
        )
    held = sitting(days=-1)
    with pytest.raises(ValidationError):
        services.attendance_record(
            by=world.manager, meeting=held, marks={world.worker.pk: "present"}
        )
    with pytest.raises(ValidationError):
        services.attendance_record(
            by=world.manager, meeting=held, marks={world.specialist.pk: "sleeping"}
        )
    services.attendance_record(
        by=world.assistant,
        meeting=held,
        marks={world.specialist.pk: "present", world.manager.pk: "excused"},
    )
    marks = dict(held.attendees.values_list("user_id", "attendance"))
    assert marks[world.specialist.pk] == "present" and marks[world.manager.pk] == "excused"
    assert marks[world.assistant.pk] == ""
    with pytest.raises(PermissionDenied):
        services.attendance_record(by=world.specialist, meeting=held, marks={})


def test_agenda_edits_and_a_removed_proposal_stays_removed(world, sitting, call, categories):
    meeting = sitting(hours=2)
    complaint = call(kind="complaint", category=categories["ATTITUDE"])
    assert services.agenda_propose(by=world.manager, meeting=meeting) == 1
    item = meeting.agenda.get(key=f"ticket:{complaint.pk}")
    services.agenda_update(
        by=world.assistant, item=item, title="前台服务态度投诉", note="请经理说明", position=0
    )
    item.refresh_from_db()
    assert item.title == "前台服务态度投诉" and item.position == 0
    with pytest.raises(ValidationError):
        services.agenda_update(by=world.assistant, item=item, title=" ")
    services.agenda_remove(by=world.manager, item=item)
    assert services.agenda_propose(by=world.manager, meeting=meeting) == 0
    assert not selectors.agenda_of(meeting).filter(pk=item.pk).exists()
    added = services.agenda_add(by=world.manager, meeting=meeting, title="下月排班")
    assert added.source == "other"
    with pytest.raises(PermissionDenied):
        services.agenda_add(by=world.specialist, meeting=meeting, title="x")


def test_agenda_proposes_overdue_tickets_and_survey_findings(world, sitting, call, categories):
    from wuyedesk.reports.models import QuarterlyReport
    from wuyedesk.tickets.models import Ticket

    ticket = call()
    Ticket.objects.filter(pk=ticket.pk).update(next_due=timezone.now() - dt.timedelta(hours=1))
    from wuyedesk.core.tests.test_permission_matrix import survey_version
    from wuyedesk.surveys.services import campaign_create

    campaign = campaign_create(
        by=world.admin,
        name="2026Q4 调查",
        version=survey_version(),
        communities=[world.a],
        quarter="2026Q4",
    )
    QuarterlyReport.objects.create(
        campaign=campaign,
        prepared_by=world.assistant,
        status="submitted",
        submitted_at=timezone.now(),
        figures={
            "findings": [
                {
                    "dimension": 3,
                    "label": "环境卫生",
                    "community": world.a.pk,
                    "community_name": "阳光花园",
                    "satisfied_r": 61.5,
                }
            ]
        },
    )
    meeting = sitting(hours=1)
    overdue = meeting.agenda.get(key="overdue")
    assert "1" in overdue.title and "queue=overdue" in overdue.link
    survey = meeting.agenda.get(source="survey")
    assert "环境卫生" in survey.title and "阳光花园" in survey.title
    # Reported before this meeting: not proposed again for the next one.
    assert not sitting(days=7).agenda.filter(source="survey").exists()


def test_a_decision_becomes_an_improvement_item_of_source_meeting(world, sitting, approved):
    meeting = sitting(days=-1)
    services.minutes_save(
        by=world.assistant, meeting=meeting, discussion="x", decisions=["夜间巡查"]
    )
    decision = meeting.decisions.get()
    due = timezone.localdate() + dt.timedelta(days=20)
    with pytest.raises(ValidationError):  # not before approval
        services.decision_to_improvement(
            by=world.manager, decision=decision, department=world.engineering, due=due
        )
    services.minutes_submit(by=world.assistant, meeting=meeting)
    services.minutes_approve(by=world.manager, meeting=meeting)
    decision.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.decision_to_improvement(
            by=world.specialist, decision=decision, department=world.engineering, due=due
        )
    item = services.decision_to_improvement(
        by=world.assistant,
        decision=decision,
        department=world.engineering,
        due=due,
        owner=world.worker,
    )
    assert item.source == "meeting" and item.get_source_display() == "会议决定"
    assert item.community == world.a and item.owner == world.worker
    decision.refresh_from_db()
    assert decision.improvement == item
    with pytest.raises(ValidationError):
        services.decision_to_improvement(
            by=world.manager, decision=decision, department=world.engineering, due=due
        )


def test_agenda_proposes_the_supervision_groups_findings(world, sitting, call):
    from wuyedesk.supervision.services import inspections
    from wuyedesk.supervision.services.group import checklist_save, member_appoint

    member_appoint(by=world.manager, user=world.supervisor, remit="服务质量检查")
    checklist_save(
        by=world.manager,
        post="specialist",
        title="客服专员检查表",
        items=[{"code": "G1", "text": "礼貌用语规范", "weight": 100, "guidance": "问候致谢"}],
    )
    inspection = inspections.inspection_create(
        by=world.supervisor, kind="ticket", person=world.specialist, ticket=call()
    )
    scores = [
        {"item": item.pk, "result": "fail", "evidence": "录音", "comment": "未问候"}
        for item in inspection.checklist.items.all()
    ]
    inspections.score_save(by=world.supervisor, inspection=inspection, scores=scores)
    inspections.inspection_close(by=world.supervisor, inspection=inspection)
    meeting = sitting(hours=1)
    found = meeting.agenda.get(source="inspection")
    assert found.title == "礼貌用语规范" and f"/{inspection.pk}/" in found.link
    assert "刘专员" not in found.title
    assert not sitting(days=7).agenda.filter(source="inspection").exists()
