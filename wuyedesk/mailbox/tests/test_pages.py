"""The assistants' mail queue: who sees what, viewing safely, linking, retrying."""

import re

import pytest

from wuyedesk.mailbox.choices import InboundStatus
from wuyedesk.mailbox.models import InboundMail, SenderLink
from wuyedesk.mailbox.tests.mails import mail
from wuyedesk.mailbox.tests.test_imap_flow import BROKEN
from wuyedesk.tickets.models import Ticket

STRANGER = "new.owner@example.org"


@pytest.fixture
def in_a(deliver, settings):
    """A mail from an unknown sender, placed in community A (the default community)."""
    settings.MAIL_DEFAULT_COMMUNITY = "A"
    return deliver(mail(sender=STRANGER, subject="门禁卡坏了"))


def test_queue_lists_flagged_mail_for_the_assistant(client_as, mail_world, in_a):
    page = client_as(mail_world.assistant).get("/mail/")
    assert page.status_code == 200
    assert "门禁卡坏了" in page.content.decode() and STRANGER in page.content.decode()
    assert "/mail/" in [item["url"] for item in page.context["nav"]]


def test_queue_query_count_does_not_grow(
    client_as, mail_world, deliver, settings, django_assert_max_num_queries
):
    settings.MAIL_DEFAULT_COMMUNITY = "A"
    for i in range(12):
        deliver(mail(sender=f"s{i}@example.org", subject=f"m{i}"))
    client = client_as(mail_world.assistant)
    with django_assert_max_num_queries(12):
        assert client.get("/mail/?queue=all").status_code == 200


def test_other_community_and_other_posts_get_404_or_403(
    client_as, api_as, mail_world, in_a, assistant_b
):
    assert client_as(assistant_b).get(f"/mail/{in_a.pk}/").status_code == 404
    assert client_as(assistant_b).get(f"/mail/{in_a.pk}/raw/").status_code == 404
    assert in_a.subject not in client_as(assistant_b).get("/mail/?queue=all").content.decode()
    assert client_as(assistant_b).post(f"/mail/{in_a.pk}/retry/").status_code == 404
    assert api_as(assistant_b).get(f"/api/v1/mail/inbound/{in_a.pk}").status_code == 404
    assert client_as(mail_world.specialist).get("/mail/").status_code == 403
    assert client_as(mail_world.resident).get("/mail/").status_code == 403


def test_detail_shows_html_sanitised_and_the_source_escaped(
    client_as, mail_world, deliver, settings
):
    settings.MAIL_DEFAULT_COMMUNITY = "A"
    got = deliver(mail(sender=STRANGER, text=None, html='<p>你好</p><script>alert("x")</script>'))
    page = client_as(mail_world.assistant).get(f"/mail/{got.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "<p>你好</p>" in html
    assert '<script>alert("x")</script>' not in html  # neither in the body nor in the source
    raw = client_as(mail_world.assistant).get(f"/mail/{got.pk}/raw/")
    assert raw["Content-Disposition"].startswith("attachment")
    assert raw["Content-Type"] == "application/octet-stream"


def test_link_sender_gives_the_ticket_its_resident_and_remembers(client_as, mail_world, in_a):
    response = client_as(mail_world.assistant).post(
        f"/mail/{in_a.pk}/link/", {"phone": "138 1234 5678", "remember": "on"}
    )
    assert response.status_code == 302
    in_a.refresh_from_db()
    assert in_a.resident == mail_world.resident_a and not in_a.attention
    assert in_a.ticket.resident == mail_world.resident_a
    assert in_a.ticket.room == mail_world.rooms_a[0]
    assert SenderLink.objects.get(address=STRANGER).resident == mail_world.resident_a


def test_remembered_address_is_recognised_next_time(client_as, mail_world, in_a, deliver):
    client_as(mail_world.assistant).post(
        f"/mail/{in_a.pk}/link/", {"resident_id": mail_world.resident_a.pk, "remember": "on"}
    )
    later = deliver(mail(sender=STRANGER, subject="又坏了"))
    assert later.resident == mail_world.resident_a and not later.attention


@pytest.mark.parametrize(
    "data, field",
    [
        ({}, None),
        ({"phone": "13900000000"}, "phone"),
        ({"phone": "13987654321"}, "phone"),  # resident B: not in this assistant's scope
        ({"resident_id": "abc"}, "resident_id"),
        ({"resident_id": "999999"}, "resident_id"),
    ],
)
def test_bad_link_input_says_why_keeps_input_and_changes_nothing(
    client_as, mail_world, in_a, data, field
):
    response = client_as(mail_world.assistant).post(f"/mail/{in_a.pk}/link/", data)
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors.get(field) if field else form.non_field_errors()
    if data.get("phone"):
        assert f'value="{data["phone"]}"' in response.content.decode()
    in_a.refresh_from_db()
    assert in_a.resident is None and in_a.attention and in_a.ticket.resident is None
    assert not SenderLink.objects.exists()


def test_unknown_sender_without_default_community_waits_then_link_makes_the_ticket(
    client_as, mail_world, deliver, smtp, django_capture_on_commit_callbacks
):
    got = deliver(mail(sender=STRANGER))
    assert got.status == InboundStatus.NEEDS_LINKING and not Ticket.objects.exists()
    assert smtp.messages == []
    with django_capture_on_commit_callbacks(execute=True):
        client_as(mail_world.assistant).post(f"/mail/{got.pk}/link/", {"phone": "13812345678"})
    got.refresh_from_db()
    assert got.status == InboundStatus.TICKET and got.ticket.resident == mail_world.resident_a
    assert len(smtp.to(STRANGER)) == 1  # acknowledged now, with the number


def test_broken_mail_is_shown_and_a_link_makes_a_ticket_from_what_is_readable(
    client_as, mail_world, deliver, smtp, django_capture_on_commit_callbacks
):
    got = deliver(BROKEN)
    page = client_as(mail_world.assistant).get("/mail/?queue=unparsed")
    assert "broken" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client_as(mail_world.assistant).post(f"/mail/{got.pk}/link/", {"phone": "13812345678"})
    got.refresh_from_db()
    assert got.ticket is not None and "no boundary anywhere" in got.ticket.description


def test_retry_after_setting_the_default_community(client_as, mail_world, deliver, settings, smtp):
    got = deliver(mail(sender=STRANGER))
    settings.MAIL_DEFAULT_COMMUNITY = "A"
    client_as(mail_world.assistant).post(f"/mail/{got.pk}/retry/")
    got.refresh_from_db()
    assert got.status == InboundStatus.TICKET and got.ticket.community == mail_world.a


def test_retry_of_a_finished_mail_is_refused_with_a_message(client_as, mail_world, deliver):
    got = deliver(mail())
    response = client_as(mail_world.assistant).post(f"/mail/{got.pk}/retry/", follow=True)
    assert "不能重新处理" in response.content.decode()
    assert InboundMail.objects.get().status == InboundStatus.TICKET


def test_dismiss_takes_it_out_of_the_queue(client_as, mail_world, in_a):
    client_as(mail_world.assistant).post(f"/mail/{in_a.pk}/dismiss/")
    in_a.refresh_from_db()
    assert not in_a.attention and in_a.handled_by == mail_world.assistant


def test_the_assistants_home_keeps_the_mail_count_and_follows_a_dismissal_at_once(
    client_as, mail_world, in_a
):
    """The home keeps its count of mail needing a resident under the mailbox's version; a
    dismissal is an update, which sends no signal, and bumps it itself."""
    client = client_as(mail_world.assistant)

    def waiting() -> int:
        page = client.get("/").content.decode()
        return int(re.search(r'data-figure="mail_unknown" data-count="(\d+)"', page)[1])

    assert waiting() == 1
    assert waiting() == 1  # kept
    client.post(f"/mail/{in_a.pk}/dismiss/")
    assert waiting() == 0


def test_the_source_of_a_gbk_mail_and_the_text_of_a_broken_one_read_as_chinese(
    client_as, mail_world, deliver, smtp, django_capture_on_commit_callbacks
):
    broken = BROKEN.replace(b"Subject: broken", "Subject: 电梯坏了,喆".encode("gbk")).replace(
        b"no boundary anywhere", "二号楼电梯停在五楼,王喆".encode("gbk")
    )
    got = deliver(broken)
    assert got.status == InboundStatus.UNPARSED and got.subject == "电梯坏了,喆"
    page = client_as(mail_world.assistant).get(f"/mail/{got.pk}/").content.decode()
    assert "二号楼电梯停在五楼,王喆" in page and "\ufffd" not in page
    with django_capture_on_commit_callbacks(execute=True):
        client_as(mail_world.assistant).post(f"/mail/{got.pk}/link/", {"phone": "13812345678"})
    got.refresh_from_db()
    assert got.ticket.description == "二号楼电梯停在五楼,王喆"


def test_readable_keeps_utf8_cut_in_the_middle_of_a_character():
    from wuyedesk.mailbox.parsing import readable

    text = "物业客服".encode()
    assert readable(text[:-1]) == "物业客"
    assert readable("王喆".encode("gbk")) == "王喆"
    assert readable(b"\xff\xfe ok") == "\ufffd\ufffd ok"
