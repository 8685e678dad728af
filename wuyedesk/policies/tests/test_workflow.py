"""The revision workflow of a policy document (issue #14 points 1, 2, 3, 8; POL-1, POL-2)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from wuyedesk.audit.models import AuditEntry
from wuyedesk.policies import selectors
from wuyedesk.policies.choices import VersionStatus
from wuyedesk.policies.forms import PolicySettingsForm
from wuyedesk.policies.models import PolicySettings, PolicyStep, PolicyVersion
from wuyedesk.policies.services import policy, policy_at, regulation, regulation_fields, versions

HOUR = dt.timedelta(hours=1)


def _settings(version, **values):
    data = {name: getattr(version.settings, name) for name in regulation_fields()} | values
    return PolicySettingsForm(data=data, instance=version.settings)


def _draft(w, **values):
    draft = versions.draft_open(by=w.manager, document=regulation())
    if values:
        versions.settings_save(by=w.manager, version=draft, form=_settings(draft, **values))
    if not draft.sections.exists():
        versions.section_save(
            by=w.manager,
            version=draft,
            data={
                "heading": "咨询跟进",
                "body": "<p>咨询 24 小时内跟进。</p>",
                "requirements": "INQ-4",
            },
        )
    draft.refresh_from_db()
    return draft


def _status(version):
    return PolicyVersion.objects.get(pk=version.pk).status


def test_bootstrap_regulation_is_in_force_with_default_settings(world):
    current = policy()
    assert current.inquiry_follow_up_hours == 24
    document = regulation()
    assert document.carries_settings
    assert document.versions.get().status == VersionStatus.IN_FORCE


def test_full_revision_path_records_every_step(world):
    first = policy()
    draft = _draft(world, inquiry_follow_up_hours=12)
    assert draft.status == VersionStatus.DRAFT and draft.number == 2
    assert policy().inquiry_follow_up_hours == 24  # a draft changes nothing
    versions.consult(by=world.manager, version=draft, departments=[world.engineering])
    section = draft.sections.get()
    versions.comment_add(by=world.worker, version=draft, section=section, body="工程部同意")
    versions.submit(by=world.manager, version=draft, comment="请审批")
    versions.return_(by=world.executive, version=draft, comment="请补充夜间安排")
    assert _status(draft) == VersionStatus.RETURNED
    versions.section_save(
        by=world.manager,
        version=draft,
        section=section,
        data={"body": "<p>咨询 12 小时内跟进;夜间来电次日 9 点前跟进。</p>"},
    )
    assert _status(draft) == VersionStatus.DRAFT  # editing restarts the review
    versions.submit(by=world.manager, version=draft)
    later = timezone.now() + 2 * HOUR
    versions.approve(by=world.executive, version=draft, effective_at=later)
    assert _status(draft) == VersionStatus.APPROVED
    assert policy().inquiry_follow_up_hours == 24
    assert policy_at(later + HOUR).inquiry_follow_up_hours == 12
    steps = list(PolicyStep.objects.filter(version=draft).values_list("to_status", flat=True))
    assert steps == [
        "draft",
        "consultation",
        "submitted",
        "returned",
        "draft",
        "submitted",
        "approved",
    ]
    assert (
        AuditEntry.objects.filter(object_type="policies.policyversion", object_id=draft.pk).count()
        >= 7
    )
    assert PolicySettings.objects.filter(pk=first.pk, inquiry_follow_up_hours=24).exists()


def test_worker_switches_once_at_the_effective_time(world):
    old = regulation().versions.get(status=VersionStatus.IN_FORCE)
    draft = _draft(world, inquiry_follow_up_hours=12)
    versions.submit(by=world.manager, version=draft)
    at = timezone.now() + 3 * HOUR
    versions.approve(by=world.executive, version=draft, effective_at=at)
    assert versions.switch_due(now=at - dt.timedelta(minutes=1)) == 0
    assert versions.switch_due(now=at) == 1
    assert versions.switch_due(now=at + HOUR) == 0  # once
    assert _status(draft) == VersionStatus.IN_FORCE
    assert _status(old) == VersionStatus.SUPERSEDED
    assert PolicyStep.objects.filter(version=draft, to_status="in_force").count() == 1
    assert PolicyVersion.objects.filter(status=VersionStatus.IN_FORCE).count() == 1


def test_new_inquiries_follow_the_version_in_force_existing_keep_theirs(world, call, monkeypatch):
    """Acceptance (#14): before the effective date new inquiries get 24 h, after it 12 h;
    inquiries that exist keep theirs (the clock moved with monkeypatch)."""
    draft = _draft(world, inquiry_follow_up_hours=12)
    versions.submit(by=world.manager, version=draft)
    at = timezone.now() + 5 * HOUR
    versions.approve(by=world.executive, version=draft, effective_at=at)
    before = call()
    assert (before.follow_up_due - before.contact_at) == 24 * HOUR
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + 6 * HOUR)
    versions.switch_due()
    after = call()
    assert (after.follow_up_due - after.contact_at) == 12 * HOUR
    before.refresh_from_db()
    assert (before.follow_up_due - before.contact_at) == 24 * HOUR


@pytest.mark.parametrize("persona", ["specialist", "executive", "admin", "worker"])
def test_only_the_manager_proposes(world, persona):
    with pytest.raises(PermissionDenied):
        versions.draft_open(by=getattr(world, persona), document=regulation())


@pytest.mark.parametrize("persona", ["manager", "specialist", "admin", "supervisor"])
def test_approval_by_someone_not_entitled_changes_nothing(world, persona):
    draft = _draft(world)
    versions.submit(by=world.manager, version=draft)
    with pytest.raises(PermissionDenied):
        versions.approve(
            by=getattr(world, persona), version=draft, effective_at=timezone.now() + HOUR
        )
    with pytest.raises(PermissionDenied):
        versions.return_(by=getattr(world, persona), version=draft, comment="不行")
    assert _status(draft) == VersionStatus.SUBMITTED


def test_effective_date_in_the_past_is_refused(world):
    draft = _draft(world)
    versions.submit(by=world.manager, version=draft)
    with pytest.raises(ValidationError) as caught:
        versions.approve(
            by=world.executive, version=draft, effective_at=timezone.now() - dt.timedelta(days=1)
        )
    assert caught.value.error_dict["effective_at"][0].code == "past"
    assert _status(draft) == VersionStatus.SUBMITTED


def test_return_needs_a_reason(world):
    draft = _draft(world)
    versions.submit(by=world.manager, version=draft)
    with pytest.raises(ValidationError) as caught:
        versions.return_(by=world.executive, version=draft, comment=" ")
    assert "comment" in caught.value.error_dict
    assert _status(draft) == VersionStatus.SUBMITTED


def test_editing_an_approved_version_is_refused(world):
    draft = _draft(world, inquiry_follow_up_hours=12)
    versions.submit(by=world.manager, version=draft)
    versions.approve(by=world.executive, version=draft, effective_at=timezone.now() + HOUR)
    section = draft.sections.get()
    with pytest.raises(ValidationError) as caught:
        versions.section_save(by=world.manager, version=draft, section=section, data={"body": "x"})
    assert caught.value.error_dict["body"][0].code == "read_only"
    with pytest.raises(ValidationError) as caught:
        versions.settings_save(
            by=world.manager, version=draft, form=_settings(draft, inquiry_follow_up_hours=6)
        )
    assert caught.value.error_dict["inquiry_follow_up_hours"][0].code == "read_only"
    draft.settings.refresh_from_db()
    assert draft.settings.inquiry_follow_up_hours == 12
    assert draft.sections.get().body == section.body


def test_two_versions_in_force_at_once_is_impossible(world):
    first = regulation().versions.get(status=VersionStatus.IN_FORCE)
    draft = _draft(world)
    draft.status = VersionStatus.IN_FORCE
    with pytest.raises(IntegrityError), transaction.atomic():
        draft.save()
    assert _status(first) == VersionStatus.IN_FORCE


def test_one_revision_at_a_time(world):
    draft = _draft(world)
    assert versions.draft_open(by=world.manager, document=regulation()).pk == draft.pk


def test_settings_bad_value_keeps_the_draft(world):
    draft = _draft(world)
    form = _settings(draft, inquiry_follow_up_hours=0)
    from wuyedesk.core.form_errors import FormInvalid

    with pytest.raises(FormInvalid):
        versions.settings_save(by=world.manager, version=draft, form=form)
    draft.settings.refresh_from_db()
    assert draft.settings.inquiry_follow_up_hours == 24


def test_consultation_comments_from_chosen_departments_only(world):
    draft = _draft(world)
    versions.consult(by=world.manager, version=draft, departments=[world.engineering])
    versions.comment_add(by=world.manager, version=draft, body="经理意见")
    with pytest.raises(PermissionDenied):
        versions.comment_add(by=world.specialist_b, version=draft, body="不是征求对象")
    with pytest.raises(ValidationError):
        versions.comment_add(by=world.worker, version=draft, body="  ")
    assert draft.comments.count() == 1


def test_staff_consultation_required_before_submission(world):
    draft = _draft(world)
    versions.version_update(
        by=world.manager, version=draft, data={"requires_staff_consultation": True}
    )
    with pytest.raises(ValidationError) as caught:
        versions.submit(by=world.manager, version=draft)
    assert "staff_consultation_record" in caught.value.error_dict
    versions.version_update(
        by=world.manager,
        version=draft,
        data={"staff_consultation_record": "2026-11-20 职工代表座谈,意见已采纳。"},
    )
    versions.submit(by=world.manager, version=draft)
    assert _status(draft) == VersionStatus.SUBMITTED


def test_section_text_is_sanitised_and_requirements_checked(world):
    draft = _draft(world)
    section = versions.section_save(
        by=world.manager,
        version=draft,
        data={
            "heading": "投诉",
            "body": '<p onclick="x()">调查<script>alert(1)</script></p>',
            "requirements": "cmp-1, CMP-3",
        },
    )
    assert "script" not in section.body and "onclick" not in section.body
    assert section.requirements == ["CMP-1", "CMP-3"]
    with pytest.raises(ValidationError) as caught:
        versions.section_save(
            by=world.manager,
            version=draft,
            data={"heading": "x", "body": "y", "requirements": "bad"},
        )
    assert "requirements" in caught.value.error_dict


def test_diff_shows_the_changed_section_and_setting(world):
    old = regulation().versions.get(status=VersionStatus.IN_FORCE)
    base = _draft(world)
    versions.submit(by=world.manager, version=base)
    versions.approve(by=world.executive, version=base, effective_at=timezone.now())
    draft = _draft(world, inquiry_follow_up_hours=12)
    section = draft.sections.get()
    versions.section_save(
        by=world.manager,
        version=draft,
        section=section,
        data={"body": "<p>咨询 12 小时内跟进。</p>"},
    )
    result = selectors.diff(PolicyVersion.objects.get(pk=base.pk), draft)
    assert [s["state"] for s in result["sections"]] == ["changed"]
    assert any("12 小时" in line for line in result["sections"][0]["lines"])
    assert result["settings"] == [
        {
            "field": "inquiry_follow_up_hours",
            "label": "咨询跟进时限(小时)",
            "old": "24",
            "new": "12",
        }
    ]
    assert old.pk != base.pk
