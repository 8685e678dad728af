"""#11 point 8 in surveys: an unknown question, a text over its limit or with a control
character is a 422 naming the field, and the invitation stays usable."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from wuyedesk.surveys import services
from wuyedesk.surveys.choices import ANSWERABLE
from wuyedesk.surveys.models import Answer, Invitation, OptOut, Response
from wuyedesk.surveys.tests.conftest import full_answers
from wuyedesk.surveys.tests.test_api import BASE, _answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(campaign, households):
    return Invitation.objects.get(campaign=campaign, room=households.rooms_a[1])


def post_api(client, token, body):
    return client.post(f"{BASE}/token/{token}/answers", body, content_type="application/json")


def still_answerable(invitation):
    invitation.refresh_from_db()
    assert invitation.status in ANSWERABLE
    assert not Response.objects.filter(invitation=invitation).exists()


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"nope": 5}, "unknown_question", "answers.nope"),
        ({"999999": 5}, "unknown_question", "answers.999999"),
        ({"suggestion": "长" * (Answer.TEXT_MAX + 1)}, "too_long", "answers.suggestion"),
        ({"suggestion": "红色\x1b[31m字"}, "control_characters", "answers.suggestion"),
    ],
)
def test_api_link_refuses_and_keeps_the_invitation(client, invitation, body, code, field):
    token = invitation.make_token()

    refused = post_api(client, token, _answers(**body))

    assert refused.status_code == 422, refused.content
    assert (refused.json()["code"], refused.json()["field"]) == (code, field)
    still_answerable(invitation)
    assert post_api(client, token, _answers()).status_code == 201


def test_text_at_its_limit_and_crlf_are_kept_whole(client, invitation):
    text = "长" * (Answer.TEXT_MAX - 3) + "\r\n好"

    response = post_api(client, invitation.make_token(), _answers(suggestion=text))

    assert response.status_code == 201, response.content
    stored = Answer.objects.get(question__code="suggestion").value_text
    assert stored == "长" * (Answer.TEXT_MAX - 3) + "\n好"


@pytest.mark.parametrize(
    ("text", "message"),
    [("长" * (Answer.TEXT_MAX + 1), "最多 2000 个字"), ("水管\x1b漏\x00水", "不能含有控制字符")],
)
def test_link_page_refuses_keeps_the_form_and_the_invitation(
    client, invitation, version, text, message
):
    path = reverse("surveys:answer_token", args=[invitation.make_token()])
    suggestion = version.questions.get(code="suggestion")
    data = full_answers(version)
    data[f"q{suggestion.pk}"] = text

    page = client.post(path, data)

    assert page.status_code == 422
    html = page.content.decode()
    assert message in html
    assert f">\n{text}</textarea>" in html  # what was typed is still there
    still_answerable(invitation)
    assert client.post(path, full_answers(version)).status_code == 200
    assert Response.objects.filter(invitation=invitation).count() == 1


def test_phone_notes_with_control_characters_store_nothing(campaign, households, version):
    invitation = Invitation.objects.get(campaign=campaign, room=households.rooms_a[2])

    with pytest.raises(ValidationError) as refused:
        services.answer_by_phone(
            by=households.specialist,
            invitation=invitation,
            answers=full_answers(version),
            notes="接通\x07了",
        )

    assert refused.value.error_dict["notes"][0].code == "control_characters"
    still_answerable(invitation)


def test_unsubscribe_reason_with_control_characters_is_refused_on_the_page(client, invitation):
    path = reverse("surveys:unsubscribe", args=[invitation.make_token()])

    page = client.post(path, {"reason": "太多\x1b[2J了"})

    assert page.status_code == 422
    assert "不能含有控制字符" in page.content.decode()
    still_answerable(invitation)
    assert not OptOut.objects.exists()
