"""Staff sessions end after the company's idle timeout (#11 point 6); residents' do not."""

import time

import pytest

from wuyedesk.accounts.twofactor import SEEN_KEY
from wuyedesk.properties.models import Company


def idle_for(client, seconds: int) -> None:
    session = client.session
    session[SEEN_KEY] = int(time.time()) - seconds
    session.save()


def test_login_starts_the_idle_clock(client_as, world):
    client = client_as(world.specialist)
    assert abs(client.session[SEEN_KEY] - time.time()) < 5


def test_a_session_idle_longer_than_the_setting_ends(client_as, world):
    client = client_as(world.specialist)
    idle_for(client, 60 * 60 + 5)
    response = client.get("/tickets/?status=open")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Ftickets%2F%3Fstatus%3Dopen"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "您已超过60分钟没有操作,为了安全已自动退出,请重新登录。" in page
    assert client.get("/").status_code == 302  # still logged out


def test_a_session_in_use_lives_on_and_its_clock_moves(client_as, world):
    client = client_as(world.specialist)
    idle_for(client, 59 * 60)
    assert client.get("/").status_code == 200
    assert abs(client.session[SEEN_KEY] - time.time()) < 5
    assert client.get("/tickets/").status_code == 200


def test_the_timeout_is_the_company_setting(client_as, world):
    company = Company.objects.get(pk=1)
    company.idle_timeout_minutes = 5
    company.save()
    client = client_as(world.manager)
    idle_for(client, 4 * 60)
    assert client.get("/").status_code == 200
    idle_for(client, 5 * 60 + 5)
    assert client.get("/")["Location"] == "/login/?next=%2F"


def test_the_message_is_in_the_persons_language(client, client_as, world):
    world.manager.language = "en"
    world.manager.save(update_fields=["language"])
    client = client_as(world.manager)
    client.cookies["django_language"] = "en"
    idle_for(client, 2 * 60 * 60)
    response = client.get("/", follow=True)
    page = response.content.decode()
    assert "inactive for more than 60 minutes" in page


def test_a_form_sent_after_the_timeout_is_not_acted_on(client_as, world):
    client = client_as(world.admin)
    idle_for(client, 2 * 60 * 60)
    response = client.post("/settings/company/", {"name": "改名"})
    assert response["Location"] == "/login/"
    assert Company.objects.get(pk=1).name == "测试物业"


def test_htmx_request_after_the_timeout_loads_the_login_page(client_as, world):
    client = client_as(world.specialist)
    idle_for(client, 2 * 60 * 60)
    headers = {"HX-Request": "true", "HX-Current-URL": "http://testserver/tickets/?q=1"}
    response = client.get("/rooms/lookup/?room_q=1", headers=headers)
    assert response.status_code == 204
    # Back to the page it was sent from, not to the fragment.
    assert response["HX-Redirect"] == "/login/?next=%2Ftickets%2F%3Fq%3D1"


def test_a_page_polling_by_itself_is_not_activity(client_as, world):
    """The screen pop asks every 1.5 s: an unattended open page must still time out, and its
    next poll takes the page to the login screen."""
    client = client_as(world.specialist)
    poll = {"HX-Request": "true", "X-Poll": "1", "HX-Current-URL": "http://testserver/"}
    idle_for(client, 30 * 60)
    assert client.get("/calls/pop/", headers=poll).status_code in (200, 204)
    seen = client.session[SEEN_KEY]
    assert time.time() - seen > 29 * 60  # the clock did not move
    idle_for(client, 61 * 60)
    response = client.get("/calls/pop/", headers=poll)
    assert response["HX-Redirect"] == "/login/?next=%2F"
    assert "_auth_user_id" not in client.session


@pytest.fixture
def resident_client(client, world):
    client.force_login(world.resident, backend="wuyedesk.accounts.backends.ResidentPhoneBackend")
    return client


def test_resident_portal_sessions_keep_their_own_length(resident_client):
    idle_for(resident_client, 6 * 60 * 60)
    assert resident_client.get("/portal/").status_code == 200
