"""A campaign's phone callers (and an invitation's assignee) are active specialists in the
creator's scope: one rule in the service (surveys/services/campaigns.py), so the page and the
API refuse the same staff (issue #13)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from wuyedesk.accounts.models import Staff
from wuyedesk.properties.models import Community
from wuyedesk.surveys import services
from wuyedesk.surveys.models import Campaign, Invitation
from wuyedesk.testing import assert_api_error, make_staff

pytestmark = pytest.mark.django_db


def _bad_ids(world) -> dict[str, int]:
    archived = make_staff("gone_specialist", ["specialist"], [world.a], name="离职专员")
    Staff.objects.filter(user=archived).update(archived_at=timezone.now())
    return {
        "archived": archived.staff.pk,
        "other_community": world.specialist_b.staff.pk,
        "not_a_specialist": world.worker.staff.pk,
        "unknown": Staff.objects.order_by("-pk").first().pk + 1000,
    }


def _create(world, version, specialists):
    return services.campaign_create(
        by=world.manager,
        name="电话调查",
        version=version,
        communities=[world.a],
        quarter="2027Q2",
        specialists=specialists,
    )


def test_service_refuses_each_bad_specialist(households, version):
    for case, pk in _bad_ids(households).items():
        with pytest.raises(ValidationError) as refused:
            _create(households, version, [households.specialist.staff.pk, pk])
        assert list(refused.value.message_dict) == ["specialists"], case
        # Staff objects are checked the same way as ids.
        if case != "unknown":
            with pytest.raises(ValidationError):
                _create(households, version, [Staff.objects.get(pk=pk)])
    assert not Campaign.objects.exists()

    made = _create(households, version, [households.specialist.staff])
    assert list(made.specialists.all()) == [households.specialist.staff]
    assert set(
        made.invitations.exclude(assigned_to=None).values_list("assigned_to", flat=True)
    ) == {households.specialist.staff.pk}


def test_api_answers_422_on_specialist_ids(households, version, api_as):
    api = api_as(households.manager)
    for case, pk in _bad_ids(households).items():
        response = api.post(
            "/api/v1/surveys/campaigns",
            {
                "version_id": version.pk,
                "community_ids": [households.a.pk],
                "quarter": "2027Q2",
                "specialist_ids": [pk],
            },
        )
        body = assert_api_error(
            response,
            422,
            "invalid_choice" if case == "unknown" else "out_of_scope",
            "specialist_ids",
        )
        assert body["message"], case
    assert not Campaign.objects.exists()
    made = api.post(
        "/api/v1/surveys/campaigns",
        {
            "version_id": version.pk,
            "community_ids": [households.a.pk],
            "quarter": "2027Q2",
            "specialist_ids": [households.specialist.staff.pk],
        },
    )
    assert made.status_code == 201, made.json()


def test_page_shows_a_form_error_and_keeps_the_input(households, version, client_as):
    client = client_as(households.manager)
    page = client.get(reverse("surveys:campaign_new")).content.decode()
    assert "刘专员" in page and "离职专员" not in page and "B专员" not in page
    for case, pk in _bad_ids(households).items():
        response = client.post(
            reverse("surveys:campaign_new"),
            {
                "name": "电话调查甲",
                "quarter": "2027Q2",
                "version": version.pk,
                "communities": [households.a.pk],
                "sampling": "all",
                "confidence": 95,
                "margin_points": 5,
                "specialists": [pk],
            },
        )
        assert response.status_code == 200, case
        assert response.context["form"].errors.get("specialists"), case
        assert "电话调查甲" in response.content.decode()
    assert not Campaign.objects.exists()


def test_invitation_goes_to_no_archived_or_out_of_scope_staff(campaign, households, api_as):
    invitation = campaign.invitations.filter(community=households.a, channel="phone").first()
    archived = make_staff("gone_specialist", ["specialist"], [households.a])
    Staff.objects.filter(user=archived).update(archived_at=timezone.now())
    for user, code in ((archived, "invalid_choice"), (households.specialist_b, "out_of_scope")):
        with pytest.raises(ValidationError) as refused:
            services.invitation_assign(
                by=households.manager, invitation=invitation, staff=Staff.objects.get(user=user)
            )
        assert refused.value.error_dict["assigned_to"][0].code == code
        response = api_as(households.manager).post(
            f"/api/v1/surveys/invitations/{invitation.pk}/assign",
            {"staff_id": Staff.objects.get(user=user).pk},
        )
        assert_api_error(response, 422, code, "staff_id")
    services.invitation_assign(
        by=households.manager, invitation=invitation, staff=households.specialist.staff
    )
    assert Invitation.objects.get(pk=invitation.pk).assigned_to == households.specialist.staff


def test_api_takes_the_pages_communities(households, version, api_as):
    """The API surveys only the communities the page's form offers: the user's, not archived."""
    Community.objects.filter(pk=households.a.pk).update(archived_at=timezone.now())

    response = api_as(households.manager).post(
        "/api/v1/surveys/campaigns",
        {"version_id": version.pk, "community_ids": [households.a.pk], "quarter": "2027Q2"},
    )

    assert_api_error(response, 422, "invalid_choice", "community_ids")
    assert not Campaign.objects.exists()
