"""Timeline texts and notifications in the READER's language (#12 point 9): rows written
by the software keep a msgid and its parameters and render when read; rows from before keep
their stored text."""

import pytest
from django.utils import translation

from wuyedesk.lib.messages import Msg, render
from wuyedesk.notifications.models import Notification
from wuyedesk.tickets import services
from wuyedesk.tickets.models import TicketEvent


def _speaks(user, language):
    user.language = language
    user.save(update_fields=["language"])


@pytest.fixture
def linked(world, call):
    """A ticket without a customer, then linked to 张伟 by the specialist (writer)."""

    def link(writer_language):
        _speaks(world.specialist, writer_language)
        ticket = call(resident=None)
        with translation.override(writer_language):
            services.ticket_link_resident(
                by=world.specialist, ticket=ticket, resident=world.resident_a
            )
        return ticket

    return link


def _timeline_texts(client, ticket):
    return client.get(f"/tickets/{ticket.pk}/").content.decode()


def test_a_zh_writers_event_reads_in_english_for_an_en_reader(world, linked, client_as, api_as):
    ticket = linked("zh-hans")
    event = TicketEvent.objects.get(ticket=ticket, data__msg__isnull=False)
    assert event.body == "关联客户:张伟"  # the company's language, for the search
    _speaks(world.manager, "en")
    assert "Customer linked: 张伟" in _timeline_texts(client_as(world.manager), ticket)
    body = api_as(world.manager).get(f"/api/v1/tickets/{ticket.pk}").json()
    bodies = [row["body"] for row in body["timeline"]]
    assert "Customer linked: 张伟" in bodies and "关联客户:张伟" not in bodies


def test_an_en_writers_event_reads_in_chinese_for_a_zh_reader(world, linked, client_as, api_as):
    ticket = linked("en")
    page = _timeline_texts(client_as(world.manager), ticket)
    assert "关联客户:张伟" in page and "Customer linked" not in page
    bodies = [
        r["body"]
        for r in api_as(world.manager).get(f"/api/v1/tickets/{ticket.pk}").json()["timeline"]
    ]
    assert "关联客户:张伟" in bodies


def test_rows_from_before_keep_their_stored_text(world, call, client_as):
    ticket = call()
    TicketEvent.objects.create(
        ticket=ticket, kind="comment", actor=world.specialist, body="旧的记录"
    )
    _speaks(world.manager, "en")
    assert "旧的记录" in _timeline_texts(client_as(world.manager), ticket)


def test_staff_notice_in_the_recipients_language_on_page_and_api(
    world, call, client_as, api_as, django_capture_on_commit_callbacks
):
    ticket = call()
    _speaks(world.specialist, "zh-hans")
    _speaks(world.manager, "en")
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_assign(by=world.specialist, ticket=ticket, owner=world.manager)
    notice = Notification.objects.get(user=world.manager, kind="assigned")
    assert notice.message["msgid"] == "工单 %(number)s 已指派给您"
    expected = f"Ticket {ticket.number} has been assigned to you"
    assert notice.text == expected  # the e-mail copy's text: the recipient's language
    assert expected in client_as(world.manager).get("/notifications/").content.decode()
    items = api_as(world.manager).get("/api/v1/notifications/mine").json()["items"]
    assert expected in [item["text"] for item in items]
    # The manager switches to Chinese: the same row now reads in Chinese.
    _speaks(world.manager, "zh-hans")
    items = api_as(world.manager).get("/api/v1/notifications/mine").json()["items"]
    assert f"工单 {ticket.number} 已指派给您" in [item["text"] for item in items]


def test_a_residents_portal_notice_in_the_residents_language(
    world, call, client, django_capture_on_commit_callbacks, api_as
):
    _speaks(world.resident, "en")
    _speaks(world.specialist, "zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = call()
    notice = Notification.objects.get(user=world.resident)
    assert notice.message["params"]["number"] == ticket.number
    client.force_login(world.resident, backend="wuyedesk.accounts.backends.ResidentPhoneBackend")
    page = client.get("/portal/notifications/").content.decode()
    assert f"ticket {ticket.number}" in page and "已受理" not in page
    _speaks(world.resident, "zh-hans")
    page = client.get("/portal/notifications/").content.decode()
    assert f"工单号 {ticket.number}" in page
    texts = [
        i["text"] for i in api_as(world.resident).get("/api/v1/notifications/mine").json()["items"]
    ]
    assert any(f"工单号 {ticket.number}" in text for text in texts)


def test_notices_from_before_keep_their_text(world, client_as):
    Notification.objects.create(user=world.manager, kind="x", text="旧通知")
    _speaks(world.manager, "en")
    assert "旧通知" in client_as(world.manager).get("/notifications/").content.decode()


def test_a_translation_that_lost_a_placeholder_falls_back_to_the_source(monkeypatch):
    stored = Msg("工单 %(number)s 即将到期", number="X-1").stored()
    monkeypatch.setattr("wuyedesk.lib.messages.gettext", lambda text: "Due soon %(nope)s")
    assert render(stored) == "工单 X-1 即将到期"


def test_a_nested_choice_label_renders_in_the_readers_language():
    from wuyedesk.lib.messages import label
    from wuyedesk.tickets.choices import Severity

    with translation.override("en"):  # written by an English speaker
        nested = Msg(
            "%(severity)s:%(number)s %(title)s",
            severity=label(Severity.MAJOR.label),
            number="1",
            title="漏水",
        ).stored()
    assert nested["params"]["severity"]["msgid"] == "重大投诉"
    assert render(nested) == "重大投诉:1 漏水"
    with translation.override("en"):
        assert render(nested) == f"{Severity.MAJOR.label}: 1 漏水"
        assert "重大投诉" not in render(nested)
