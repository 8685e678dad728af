"""/api/v1/mail/: the queue, link, retry, dismiss; scoped; JSON errors."""

import pytest

from wuyedesk.mailbox.choices import InboundStatus
from wuyedesk.mailbox.tests.mails import mail

STRANGER = "new.owner@example.org"


@pytest.fixture
def waiting(deliver):
    return deliver(mail(sender=STRANGER, subject="停车"))


def test_list_and_get(api_as, mail_world, waiting):
    api = api_as(mail_world.assistant)
    body = api.get("/api/v1/mail/inbound").json()
    assert [m["id"] for m in body["items"]] == [waiting.pk]
    assert body["items"][0]["status"] == InboundStatus.NEEDS_LINKING
    one = api.get(f"/api/v1/mail/inbound/{waiting.pk}").json()
    assert one["from_address"] == STRANGER and one["ticket_number"] is None


def test_link_makes_the_ticket(api_as, mail_world, waiting, smtp):
    response = api_as(mail_world.assistant).post(
        f"/api/v1/mail/inbound/{waiting.pk}/link", {"resident_id": mail_world.resident_a.pk}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["ticket_number"] and response.json()["resident_id"]


def test_link_to_a_resident_out_of_scope_is_422_with_field(api_as, mail_world, waiting):
    response = api_as(mail_world.assistant).post(
        f"/api/v1/mail/inbound/{waiting.pk}/link", {"resident_id": mail_world.resident_b.pk}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "resident_id"
    waiting.refresh_from_db()
    assert waiting.resident is None


def test_bad_payload_is_422(api_as, mail_world, waiting):
    response = api_as(mail_world.assistant).post(
        f"/api/v1/mail/inbound/{waiting.pk}/link", {"resident_id": "x"}
    )
    assert response.status_code == 422 and response.json()["field"] == "resident_id"
    assert api_as(mail_world.assistant).get("/api/v1/mail/inbound?queue=nope").status_code == 422


def test_retry_and_dismiss(api_as, mail_world, waiting, settings):
    settings.MAIL_DEFAULT_COMMUNITY = "A"
    api = api_as(mail_world.assistant)
    retried = api.post(f"/api/v1/mail/inbound/{waiting.pk}/retry").json()
    assert retried["status"] == InboundStatus.TICKET and retried["attention"]
    again = api.post(f"/api/v1/mail/inbound/{waiting.pk}/retry")
    assert again.status_code == 422 and again.json()["code"] == "invalid_state"
    assert api.post(f"/api/v1/mail/inbound/{waiting.pk}/dismiss").json()["attention"] is False


def test_out_of_scope_and_wrong_post(api_as, mail_world, waiting, assistant_b, settings):
    settings.MAIL_DEFAULT_COMMUNITY = "A"
    api_as(mail_world.assistant).post(f"/api/v1/mail/inbound/{waiting.pk}/retry")
    assert api_as(assistant_b).get(f"/api/v1/mail/inbound/{waiting.pk}").status_code == 404
    assert api_as(assistant_b).get("/api/v1/mail/inbound?queue=all").json()["items"] == []
    assert api_as(assistant_b).post(f"/api/v1/mail/inbound/{waiting.pk}/dismiss").status_code == 404
    assert api_as(mail_world.specialist).get("/api/v1/mail/inbound").status_code == 403
