"""The homes keep the running surveys' figures under surveys.selectors.VERSION (web/home.py):
the specialist's calls to make and the assistant's campaign progress follow each write at
once, though the writes that change them are update()s, which send no signal."""

import re

from wuyedesk.surveys import services
from wuyedesk.surveys.choices import ANSWERABLE
from wuyedesk.surveys.models import Invitation
from wuyedesk.surveys.tests.conftest import full_answers


def _calls(client, campaign) -> int:
    """The campaign's calls on the home; none listed when there are none left."""
    page = client.get("/").content.decode()
    found = re.search(rf'data-figure="calls_{campaign.pk}" data-count="(\d+)"', page)
    return int(found[1]) if found else 0


def _completed(client) -> int:
    page = client.get("/").content.decode()
    table = page.split('id="campaign-progress"')[1].split("</table>")[0]
    return int(re.search(r'</a></td>\s*<td class="text-end">(\d+)</td>', table)[1])


def test_the_specialists_calls_follow_a_refusal_an_answer_and_a_reassignment(
    campaign, households, version, client_as
):
    world = households
    client = client_as(world.specialist)
    mine = list(
        Invitation.objects.filter(
            campaign=campaign,
            assigned_to=world.specialist.staff,
            channel="phone",
            status__in=ANSWERABLE,
        ).order_by("pk")
    )
    assert len(mine) >= 2
    assert _calls(client, campaign) == len(mine)
    assert _calls(client, campaign) == len(mine)  # kept
    services.call_attempt_record(by=world.specialist, invitation=mine[0], outcome="refused")
    assert _calls(client, campaign) == len(mine) - 1
    services.invitation_assign(by=world.admin, invitation=mine[1], staff=None)
    assert _calls(client, campaign) == len(mine) - 2
    services.invitation_assign(by=world.admin, invitation=mine[1], staff=world.specialist.staff)
    assert _calls(client, campaign) == len(mine) - 1
    services.answer_by_phone(by=world.specialist, invitation=mine[1], answers=full_answers(version))
    assert _calls(client, campaign) == len(mine) - 2


def test_the_assistants_campaign_progress_follows_an_answer_and_the_close(
    campaign, households, version, client_as
):
    world = households
    client = client_as(world.users["assistant"])
    assert _completed(client) == 0
    invitation = Invitation.objects.get(campaign=campaign, room=world.rooms_a[2])
    services.answer_by_phone(
        by=world.specialist, invitation=invitation, answers=full_answers(version)
    )
    assert _completed(client) == 1
    services.campaign_close(by=world.admin, campaign=campaign)
    assert 'id="campaign-progress"' not in client.get("/").content.decode()
