"""The demo survey data: bounded, deterministic, and telling the 环境卫生 story."""

import pytest
from django.db.models import Avg

from wuyedesk.properties import seeding as property_seeding
from wuyedesk.surveys import seeding
from wuyedesk.surveys.models import Answer, Campaign, Invitation

pytestmark = pytest.mark.django_db


def _cleaning(code: str, quarter: str) -> float:
    return Answer.objects.filter(
        question__dimension__code="cleaning",
        response__community__code=code,
        response__campaign__quarter=quarter,
    ).aggregate(m=Avg("value_int"))["m"]


def test_seed_demo(django_assert_max_num_queries):
    property_seeding.seed(communities=2, households=240, seed=3)
    with django_assert_max_num_queries(200):
        counts = seeding.seed_demo(seed=3)
    assert counts["survey_campaigns"] == 5
    assert 0 < counts["survey_answers"] <= 5000
    quarters = list(Campaign.objects.order_by("period_start").values_list("quarter", "status"))
    assert [s for _q, s in quarters] == ["closed"] * 4 + ["open"]
    current = Campaign.objects.get(status="open")
    assert Invitation.objects.filter(campaign=current, status__in=["pending", "sent"]).exists()
    first, _second, _third, last = [q for q, _s in quarters[:4]]
    assert _cleaning("C0001", first) < _cleaning("C0002", first) - 0.8
    assert _cleaning("C0001", last) > _cleaning("C0001", first) + 0.8
    assert seeding.seed_demo(seed=3) == {}  # once only
