"""The periodic evaluation (issue #14 point 7, POL-3): opened once on the review date with
the period's figures (computed by reports), each linking to its tickets; the conclusion."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from wuyedesk.policies.choices import EvaluationStatus, VersionStatus
from wuyedesk.policies.models import PolicyEvaluation
from wuyedesk.policies.services import evaluations, regulation
from wuyedesk.testing import policy_in_force


def _due_today(world):
    version = policy_in_force(inquiry_follow_up_hours=12)
    document = regulation()
    document.next_review_on = timezone.localdate()
    document.save()
    return version


def test_opened_once_with_figures_that_link_to_tickets(world, call):
    _due_today(world)
    call()  # an inquiry in the period
    today = timezone.localdate()
    assert evaluations.open_due(today) == 1
    assert evaluations.open_due(today) == 0
    evaluation = PolicyEvaluation.objects.get()
    groups = {g["label"]: g["rows"] for g in evaluation.figures["groups"]}
    follow = next(r for r in groups["时限达成"] if r["name"] == "follow_up_on_time")
    assert follow["denominator"] == 1
    assert follow["denominator_link"].startswith("/reports/tickets/?")
    assert "metric=follow_up_on_time" in follow["denominator_link"]
    client = Client()
    client.force_login(world.manager, backend="wuyedesk.accounts.backends.StaffBackend")
    drill = client.get(follow["denominator_link"]).content.decode()
    assert "T" in drill and drill.count("/tickets/") >= 1
    page = client.get(f"/policies/evaluations/{evaluation.pk}/").content.decode()
    assert 'data-figure="follow_up_on_time"' in page and 'id="conclude-form"' in page


def test_conclusion_keep_or_revise(world):
    _due_today(world)
    evaluations.open_due(timezone.localdate())
    evaluation = PolicyEvaluation.objects.get()
    with pytest.raises(PermissionDenied):
        evaluations.conclude(
            by=world.specialist, evaluation=evaluation, decision="keep", conclusion="好"
        )
    with pytest.raises(ValidationError) as caught:
        evaluations.conclude(
            by=world.manager,
            evaluation=evaluation,
            decision="keep",
            conclusion="执行良好",
            next_review_on=timezone.localdate(),
        )
    assert "next_review_on" in caught.value.error_dict
    done = evaluations.conclude(
        by=world.manager, evaluation=evaluation, decision="revise", conclusion="回访率偏低,修订"
    )
    assert done.status == EvaluationStatus.CONCLUDED
    assert done.revision.status == VersionStatus.DRAFT
    with pytest.raises(ValidationError):
        evaluations.conclude(
            by=world.manager,
            evaluation=evaluation,
            decision="keep",
            conclusion="again",
            next_review_on=timezone.localdate() + dt.timedelta(days=90),
        )
