"""Campaign creation, the channels and the integrity rules, through the real services."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wuyedesk.policies.services import policy
from wuyedesk.surveys import services
from wuyedesk.surveys.models import Answer, CallAttempt, Campaign, Invitation, OptOut, Response
from wuyedesk.surveys.services import SurveyRefused
from wuyedesk.surveys.tests.conftest import full_answers, subject

pytestmark = pytest.mark.django_db


def test_one_invitation_per_household_channel_by_email(campaign, households):
    world = households
    invitations = {i.room_id: i for i in Invitation.objects.filter(campaign=campaign)}
    # Four occupied households in A and B; the empty ones are not invited.
    assert set(invitations) == {
        world.rooms_a[0].pk,
        world.rooms_a[1].pk,
        world.rooms_a[2].pk,
        world.rooms_b[0].pk,
    }
    assert invitations[world.rooms_a[1].pk].channel == "email"
    assert invitations[world.rooms_a[2].pk].channel == "phone"
    # Phone lists go to the specialist of each community.
    assert invitations[world.rooms_a[2].pk].assigned_to == world.specialist.staff
    assert invitations[world.rooms_b[0].pk].assigned_to == world.specialist_b.staff
    assert campaign.population == 4 and campaign.sample_size == 4
    assert campaign.closes_at - campaign.opens_at == dt.timedelta(days=policy().survey_open_days)


def test_quarter_is_unique(campaign, households, version):
    with pytest.raises(ValidationError) as caught:
        services.campaign_create(
            by=households.admin,
            name="",
            version=version,
            communities=[households.a],
            quarter="2026Q4",
        )
    assert caught.value.error_dict["quarter"][0].code == "duplicate"
    assert Campaign.objects.count() == 1


def test_opted_out_household_is_skipped(households, version):
    world = households
    OptOut.objects.create(room=world.rooms_a[1], resident=world.resident_email)
    made = services.campaign_create(
        by=world.admin, name="", version=version, communities=[world.a], quarter="2027Q1"
    )
    rooms = set(Invitation.objects.filter(campaign=made).values_list("room_id", flat=True))
    assert world.rooms_a[1].pk not in rooms and len(rooms) == 2


def test_sample_is_stratified_and_sized_by_cochran(households, version):
    world = households
    made = services.campaign_create(
        by=world.admin,
        name="",
        version=version,
        communities=[world.a, world.b],
        quarter="2027Q1",
        sampling_mode="sample",
        confidence=90,
        margin_points=20,
        seed=7,
    )
    # A: N=3, n0=1.6449²·0.25/0.04=16.9 → 16.9/(1+15.9/3)=2.69 → 3; B: N=1 → 1.
    assert made.sample_size == 4


def test_out_of_scope_manager_may_not_survey_another_community(households, version):
    with pytest.raises(PermissionDenied):
        services.campaign_create(
            by=households.manager,
            name="",
            version=version,
            communities=[households.b],
            quarter="2027Q1",
        )
    with pytest.raises(PermissionDenied):
        services.campaign_create(
            by=households.specialist,
            name="",
            version=version,
            communities=[households.a],
            quarter="2027Q1",
        )


def test_periodic_job_creates_the_quarter_once(
    households, version, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.campaign_auto_create(today=dt.date(2027, 1, 1))
        second = services.campaign_auto_create(today=dt.date(2027, 1, 2))
    assert first is not None and first.quarter == "2027Q1" and first.auto_created
    assert first.status == "open"
    assert second is None
    assert Campaign.objects.filter(quarter="2027Q1").count() == 1


def test_period_of_follows_the_cadence():
    assert services.period_of(dt.date(2026, 11, 27), 3) == (
        "2026Q4",
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
    )
    assert services.period_of(dt.date(2026, 11, 27), 6)[0] == "2026-07"
    assert services.period_of(dt.date(2026, 2, 3), 1)[1:] == (
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 28),
    )


def _token(campaign, room):
    return Invitation.objects.get(campaign=campaign, room=room).make_token()


def test_token_answers_once(campaign, households, version):
    token = _token(campaign, households.rooms_a[1])
    services.answer_by_token(token=token, answers=full_answers(version))
    with pytest.raises(SurveyRefused) as caught:
        services.answer_by_token(token=token, answers=full_answers(version))
    assert caught.value.code == "already_completed"
    assert Response.objects.count() == 1
    assert Answer.objects.count() == version.questions.count()


def test_expired_token_is_refused(campaign, households, version):
    token = _token(campaign, households.rooms_a[1])
    Campaign.objects.filter(pk=campaign.pk).update(
        closes_at=timezone.now() - dt.timedelta(minutes=1)
    )
    with pytest.raises(SurveyRefused) as caught:
        services.answer_by_token(token=token, answers=full_answers(version))
    assert caught.value.code == "expired"
    with pytest.raises(SurveyRefused) as caught:
        services.invitation_by_token("x" * 40)
    assert caught.value.code == "token_invalid"
    assert Response.objects.count() == 0


def test_out_of_range_and_missing_required_are_refused(campaign, households, version):
    token = _token(campaign, households.rooms_a[1])
    overall = version.questions.get(code="overall")
    nps = version.questions.get(code="nps")
    answers = full_answers(version, overall="6", nps="11")
    del answers[f"q{version.questions.get(code='dim_cleaning').pk}"]
    with pytest.raises(ValidationError) as caught:
        services.answer_by_token(token=token, answers=answers)
    errors = caught.value.error_dict
    assert errors[f"q{overall.pk}"][0].code == "out_of_range"
    assert errors[f"q{nps.pk}"][0].code == "out_of_range"
    assert any(e[0].code == "required" for e in errors.values())
    assert Response.objects.count() == 0
    assert Invitation.objects.get(campaign=campaign, room=households.rooms_a[1]).status == "sent"


def test_resident_answers_only_their_household(campaign, households, version):
    world = households
    own = Invitation.objects.get(campaign=campaign, room=world.rooms_a[0])
    other = Invitation.objects.get(campaign=campaign, room=world.rooms_a[1])
    with pytest.raises(PermissionDenied):
        services.answer_by_resident(
            user=world.resident, invitation=other, answers=full_answers(version)
        )
    response = services.answer_by_resident(
        user=world.resident, invitation=own, answers=full_answers(version)
    )
    assert response.channel == "portal" and response.respondent == world.resident_a
    assert Response.objects.count() == 1


def test_phone_entry_after_email_answer_is_refused(campaign, households, version):
    world = households
    invitation = Invitation.objects.get(campaign=campaign, room=world.rooms_a[1])
    services.answer_by_token(token=invitation.make_token(), answers=full_answers(version))
    with pytest.raises(SurveyRefused) as caught:
        services.answer_by_phone(
            by=world.specialist, invitation=invitation, answers=full_answers(version)
        )
    assert caught.value.code == "already_completed"
    assert Response.objects.count() == 1
    assert not CallAttempt.objects.exists()


def test_call_attempts_and_the_limit(campaign, households, version):
    world = households
    invitation = Invitation.objects.get(campaign=campaign, room=world.rooms_a[2])
    later = timezone.now() + dt.timedelta(hours=3)
    services.call_attempt_record(
        by=world.specialist, invitation=invitation, outcome="call_back", call_back_at=later
    )
    invitation.refresh_from_db()
    assert invitation.attempts == 1 and invitation.call_back_at == later
    with pytest.raises(ValidationError):
        services.call_attempt_record(
            by=world.specialist, invitation=invitation, outcome="call_back"
        )
    for _n in range(policy().survey_phone_max_attempts - 1):
        services.call_attempt_record(
            by=world.specialist, invitation=invitation, outcome="no_answer"
        )
    invitation.refresh_from_db()
    assert invitation.status == "unreachable"
    with pytest.raises(SurveyRefused):
        services.call_attempt_record(
            by=world.specialist, invitation=invitation, outcome="no_answer"
        )
    assert (
        CallAttempt.objects.filter(invitation=invitation).count()
        == policy().survey_phone_max_attempts
    )


def test_out_of_scope_specialist_may_not_call(campaign, households, version):
    invitation = Invitation.objects.get(campaign=campaign, room=households.rooms_a[2])
    with pytest.raises(PermissionDenied):
        services.call_attempt_record(
            by=households.specialist_b, invitation=invitation, outcome="no_answer"
        )
    with pytest.raises(PermissionDenied):
        services.answer_by_phone(
            by=households.specialist_b, invitation=invitation, answers=full_answers(version)
        )


def test_phone_survey_completes(campaign, households, version):
    world = households
    invitation = Invitation.objects.get(campaign=campaign, room=world.rooms_a[2])
    response = services.answer_by_phone(
        by=world.specialist, invitation=invitation, answers=full_answers(version)
    )
    assert response.entered_by == world.specialist and response.channel == "phone"
    invitation.refresh_from_db()
    assert invitation.status == "completed" and invitation.attempts == 1


def test_published_version_is_frozen_and_new_version_copies(version, households):
    world = households
    section = version.sections.first()
    with pytest.raises(SurveyRefused) as caught:
        services.question_save(
            by=world.manager, section=section, code="x", kind="text", text="新题"
        )
    assert caught.value.code == "published"
    draft = services.version_new_draft(by=world.manager, version=version)
    assert draft.number == version.number + 1 and draft.published_at is None
    assert draft.questions.count() == version.questions.count()
    new_section = draft.sections.get(position=section.position)
    services.question_save(
        by=world.manager,
        section=new_section,
        code="lift",
        kind="rating_1_5",
        text="电梯运行满意吗?",
    )
    services.version_publish(by=world.manager, version=draft)
    assert version.questions.filter(code="lift").count() == 0
    with pytest.raises(PermissionDenied):
        services.version_new_draft(by=world.specialist, version=draft)


def test_publish_needs_one_overall_question(households):
    world = households
    draft = services.questionnaire_create(by=world.manager, code="t1", title="测试问卷")
    section = services.section_save(by=world.manager, version=draft, title="一")
    services.question_save(by=world.manager, section=section, code="a", kind="text", text="说说看")
    with pytest.raises(ValidationError) as caught:
        services.version_publish(by=world.manager, version=draft)
    assert caught.value.error_dict["is_overall"][0].code == "overall_missing"
    with pytest.raises(ValidationError):
        services.question_save(
            by=world.manager,
            section=section,
            code="b",
            kind="single",
            text="选",
            choices="只有一个",
        )


def test_reminder_once_per_invitation(campaign, households, smtp):
    later = timezone.now() + dt.timedelta(days=policy().survey_reminder_days, minutes=1)
    assert services.send_reminders(now=later) == 1
    assert services.send_reminders(now=later) == 0
    mails = smtp.to("wangfang@example.cn")
    assert len(mails) == 2  # the invitation, then one reminder
    assert "提醒" in subject(mails[1]) and "提醒" not in subject(mails[0])


def test_opt_out_ends_the_invitation(campaign, households):
    invitation = Invitation.objects.get(campaign=campaign, room=households.rooms_a[1])
    services.opt_out(invitation=invitation, reason="不需要")
    invitation.refresh_from_db()
    assert invitation.status == "opted_out"
    assert OptOut.objects.filter(room=households.rooms_a[1]).exists()
    with pytest.raises(SurveyRefused):
        services.invitation_by_token(invitation.make_token())


def test_unsent_invitations_are_retried(
    households, version, smtp, settings, django_capture_on_commit_callbacks
):
    from wuyedesk.testing_mail import free_port

    made = services.campaign_create(
        by=households.admin, name="", version=version, communities=[households.a], quarter="2027Q1"
    )
    working = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nobody listens: the mail server is down
    services.campaign_open(by=households.admin, campaign=made)
    assert services.send_invitations(made.pk) == 0
    invitation = Invitation.objects.get(campaign=made, channel="email")
    assert invitation.status == "pending" and invitation.sent_at is None
    settings.EMAIL_PORT = working
    assert services.send_pending_invitations() == 1
    assert len(smtp.to("wangfang@example.cn")) == 1
    assert services.send_pending_invitations() == 0
