"""The survey pages: email link (acceptance: SMTP sink, once only), portal, call page,
progress, questionnaire editing, and the out-of-scope personas."""

import re

import pytest
from django.urls import reverse

from wuyedesk.surveys.models import CallAttempt, Invitation, Response
from wuyedesk.surveys.tests.conftest import body, full_answers, subject

pytestmark = pytest.mark.django_db


def _link(message) -> str:
    return re.search(r"http://\S+/surveys/t/(\w+)/", body(message)).group(0)


def test_email_invitation_link_opens_once(campaign, households, version, client, smtp):
    """Acceptance: the invitation arrives in the real SMTP sink; its link opens the survey,
    takes one submission, and a second use is refused."""
    mails = smtp.to("wangfang@example.cn")
    assert len(mails) == 1
    assert campaign.name in subject(mails[0])
    text = body(mails[0])
    assert "/unsubscribe/" in text
    path = _link(mails[0]).split("127.0.0.1:8000", 1)[-1]
    page = client.get(path)
    assert page.status_code == 200
    assert "总体来说" in page.content.decode()
    done = client.post(path, full_answers(version))
    assert done.status_code == 200 and "您的回答已提交" in done.content.decode()
    again = client.get(path)
    assert again.status_code == 409 and "已经提交过了" in again.content.decode()
    twice = client.post(path, full_answers(version))
    assert twice.status_code == 409
    assert Response.objects.count() == 1


def test_failed_submission_keeps_the_answers(campaign, households, version, client):
    invitation = Invitation.objects.get(campaign=campaign, room=households.rooms_a[1])
    path = reverse("surveys:answer_token", args=[invitation.make_token()])
    suggestion = version.questions.get(code="suggestion")
    data = full_answers(version, overall="")
    data[f"q{suggestion.pk}"] = "电梯厅要多打扫"
    page = client.post(path, data)
    html = page.content.decode()
    assert page.status_code == 422
    assert "请回答这道必答题" in html
    assert "电梯厅要多打扫" in html  # what was typed is still there
    nps = version.questions.get(code="nps")
    assert re.search(rf'name="q{nps.pk}" value="9"[^>]*checked', html)
    assert Response.objects.count() == 0


def test_the_anonymous_link_pages_are_kept_in_no_cache(campaign, households, client):
    """Each carries one household's invitation: a shared proxy or computer must not keep it."""
    invitation = Invitation.objects.get(campaign=campaign, room=households.rooms_a[1])
    token = invitation.make_token()
    for name in ("surveys:answer_token", "surveys:unsubscribe"):
        page = client.get(reverse(name, args=[token]))
        assert page.status_code == 200
        assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]


def test_unsubscribe_link(campaign, households, client):
    invitation = Invitation.objects.get(campaign=campaign, room=households.rooms_a[1])
    path = reverse("surveys:unsubscribe", args=[invitation.make_token()])
    assert client.get(path).status_code == 200
    assert client.post(path, {"reason": "太多了"}).status_code == 200
    invitation.refresh_from_db()
    assert invitation.status == "opted_out"


def test_portal_shows_pending_and_answers_own_household(campaign, households, version, client_as):
    world = households
    client = client_as(world.resident)
    home = client.get(reverse("portal:home")).content.decode()
    own = Invitation.objects.get(campaign=campaign, room=world.rooms_a[0])
    assert reverse("surveys:answer_portal", args=[own.pk]) in home
    other = Invitation.objects.get(campaign=campaign, room=world.rooms_a[1])
    assert client.get(reverse("surveys:answer_portal", args=[other.pk])).status_code == 404
    assert (
        client.post(
            reverse("surveys:answer_portal", args=[other.pk]), full_answers(version)
        ).status_code
        == 404
    )
    done = client.post(reverse("surveys:answer_portal", args=[own.pk]), full_answers(version))
    assert done.status_code == 200
    assert Response.objects.get().room == world.rooms_a[0]
    home = client.get(reverse("portal:home")).content.decode()
    assert reverse("surveys:answer_portal", args=[own.pk]) not in home


def test_call_page_records_attempt_and_answers(campaign, households, version, client_as):
    world = households
    invitation = Invitation.objects.get(campaign=campaign, room=world.rooms_a[2])
    client = client_as(world.specialist)
    listing = client.get(reverse("surveys:call_list", args=[campaign.pk])).content.decode()
    assert "赵敏" in listing
    page = client.get(reverse("surveys:call_page", args=[invitation.pk])).content.decode()
    assert "137****0002" in page and "13700000002" not in page
    bad = client.post(
        reverse("surveys:call_page", args=[invitation.pk]),
        {"submit": "attempt", "outcome": "call_back", "notes": "开会"},
    )
    assert bad.status_code == 422 and "开会" in bad.content.decode()
    assert not CallAttempt.objects.exists()
    ok = client.post(
        reverse("surveys:call_page", args=[invitation.pk]),
        {"submit": "attempt", "outcome": "no_answer"},
    )
    assert ok.status_code == 302
    done = client.post(
        reverse("surveys:call_page", args=[invitation.pk]),
        {"submit": "answers", **full_answers(version)},
    )
    assert done.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "completed" and invitation.attempts == 2


def test_out_of_scope_specialist_gets_404(campaign, households, client_as):
    invitation = Invitation.objects.get(campaign=campaign, room=households.rooms_a[2])
    client = client_as(households.specialist_b)
    assert client.get(reverse("surveys:call_page", args=[invitation.pk])).status_code == 404
    assert (
        client.post(
            reverse("surveys:call_page", args=[invitation.pk]),
            {"submit": "attempt", "outcome": "no_answer"},
        ).status_code
        == 404
    )
    assert not CallAttempt.objects.exists()
    # B's specialist sees the campaign (it covers B) but only B's figures.
    progress = client.get(reverse("surveys:campaign_progress", args=[campaign.pk]))
    assert "阳光花园" not in progress.content.decode()


def test_department_worker_and_resident_are_refused(campaign, households, client_as):
    assert client_as(households.worker).get(reverse("surveys:campaign_list")).status_code == 403
    resident = client_as(households.resident)
    assert resident.get(reverse("surveys:campaign_detail", args=[campaign.pk])).status_code == 403


def test_progress_query_count_is_constant(
    campaign, households, client_as, django_assert_max_num_queries
):
    client = client_as(households.manager)
    url = reverse("surveys:campaign_progress", args=[campaign.pk])
    client.get(url)
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200 and 'id="response-rate"' in page.content.decode()


def test_campaign_pages_render(campaign, households, client_as):
    client = client_as(households.admin)
    for url in (
        reverse("surveys:campaign_list"),
        reverse("surveys:campaign_detail", args=[campaign.pk]),
        reverse("surveys:campaign_new"),
        reverse("surveys:campaign_calculator")
        + f"?communities={households.a.pk}&confidence=95&margin_points=5",
        reverse("surveys:questionnaire_list"),
        reverse("surveys:version_detail", args=[campaign.version_id]),
    ):
        assert client.get(url).status_code == 200, url


def test_campaign_form_keeps_input_on_error(campaign, households, version, client_as):
    client = client_as(households.admin)
    page = client.post(
        reverse("surveys:campaign_new"),
        {
            "name": "重复的季度",
            "quarter": "2026Q4",
            "version": version.pk,
            "communities": [households.a.pk],
            "sampling": "all",
            "confidence": 95,
            "margin_points": 5,
        },
    )
    html = page.content.decode()
    assert page.status_code == 200 and "已有调查活动" in html and "重复的季度" in html


def test_questionnaire_editing(households, version, client_as):
    client = client_as(households.manager)
    refused = client.post(
        reverse("surveys:version_action", args=[version.pk, "section"]), {"title": "新部分"}
    )
    assert refused.status_code == 302
    assert version.sections.count() == 3
    made = client.post(reverse("surveys:version_action", args=[version.pk, "new_version"]))
    draft_url = made["Location"]
    draft_pk = int(draft_url.rstrip("/").split("/")[-1])
    page = client.post(
        reverse("surveys:version_action", args=[draft_pk, "question"]),
        {"section": "", "code": "x", "kind": "single", "text": "新题目", "choices": "一个"},
    )
    assert page.status_code == 422 and "新题目" in page.content.decode()
    assert (
        client_as(households.specialist)
        .post(reverse("surveys:version_action", args=[draft_pk, "publish"]))
        .status_code
        == 403
    )


def test_edit_a_draft_question_keeps_choice_values(households, version, client_as):
    from wuyedesk.surveys import services

    draft = services.version_new_draft(by=households.manager, version=version)
    question = draft.questions.get(code="contact_way")
    client = client_as(households.manager)
    page = client.get(reverse("surveys:version_detail", args=[draft.pk]), {"edit": question.pk})
    html = page.content.decode()
    assert "电话 | Phone | phone" in html and f'value="{question.pk}"' in html
    choices = "电话 | Phone | phone\n业主服务平台 | Portal | portal\n微信 | WeChat | wechat"
    saved = client.post(
        reverse("surveys:version_action", args=[draft.pk, "question"]),
        {
            "question_id": question.pk,
            "section": question.section_id,
            "code": "contact_way",
            "kind": "single",
            "text": "您通常怎样联系物业?",
            "required": "on",
            "choices": choices,
        },
    )
    assert saved.status_code == 302
    question.refresh_from_db()
    assert question.text == "您通常怎样联系物业?"
    assert [c["value"] for c in question.choices] == ["phone", "portal", "wechat"]


def test_call_list_query_count_does_not_grow(
    campaign, households, client_as, django_assert_max_num_queries
):
    from wuyedesk.testing import make_resident

    client = client_as(households.specialist)
    url = reverse("surveys:call_list", args=[campaign.pk])
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    baseline = len(few.captured_queries)
    # More phone households on the list: the same number of queries.
    from wuyedesk.properties.models import Room
    from wuyedesk.surveys.models import Invitation as Inv

    unit = households.rooms_a[0].unit
    for n in range(4):
        room = Room.objects.create(unit=unit, number=f"9{n}1", floor=9)
        resident = make_resident(room, name=f"住户{n}", phone=f"1390000000{n}")
        Inv.objects.create(
            campaign=campaign,
            room=room,
            channel="phone",
            assigned_to=households.specialist.staff,
            resident=resident,
        )
    assert client.get(url).content.decode().count("data-invitation=") == 6
    with django_assert_max_num_queries(baseline):
        client.get(url)


def test_answer_page_in_english(campaign, households, client, settings):
    invitation = Invitation.objects.get(campaign=campaign, room=households.rooms_a[1])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("surveys:answer_token", args=[invitation.make_token()])).content
    html = html.decode()
    assert "Overall, how satisfied are you with our property service?" in html
    assert "Very satisfied" in html and "Submit" in html
