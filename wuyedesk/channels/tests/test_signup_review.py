"""What a review of the sign-up found (#11 point 1 and 2): the applicant's status lookup checks
a password (a hash per sign-up it tries) and is limited like a login; the assistants' list of
decided sign-ups holds decided sign-ups only."""

import pytest
from django.core.cache import cache

from wuyedesk.channels import services
from wuyedesk.channels.models import Signup, SignupStatus
from wuyedesk.properties.services import company_get

PASSWORD = "Sunny-day-2026"
URL = "/portal/signup/status/"


@pytest.fixture
def limited(world):
    cache.clear()
    company = company_get()
    company.rate_login = "3/10m"
    company.save()
    return world


def test_status_lookups_that_fail_are_limited_per_client_address(limited, client, settings):
    settings.NOTIFY_WEBHOOK_URL = ""
    services.signup_submit(
        phone="13900002222", name="赵敏", room=limited.rooms_a[2], password=PASSWORD
    )
    wrong = [
        client.post(
            URL, {"mobile": f"1390000{n:04d}", "password": "wrong-password"}, REMOTE_ADDR="10.3.0.1"
        )
        for n in range(4)
    ]

    assert [a.status_code for a in wrong] == [200, 200, 200, 429]
    refused = wrong[-1]
    assert 1 <= int(refused["Retry-After"]) <= 600
    page = refused.content.decode()
    assert "分钟后再试" in page and "13900000003" in page  # said, and the form stays filled
    # Even the right password is not checked from that address now…
    right = client.post(
        URL, {"mobile": "13900002222", "password": PASSWORD}, REMOTE_ADDR="10.3.0.1"
    )
    assert right.status_code == 429 and "赵敏" not in right.content.decode()
    # …and another address is not affected; a lookup that finds its sign-up costs nothing.
    for _ in range(4):
        mine = client.post(
            URL, {"mobile": "13900002222", "password": PASSWORD}, REMOTE_ADDR="10.3.0.2"
        )
        assert mine.status_code == 200 and "待审核" in mine.content.decode()


def test_status_lookup_over_the_limit_answers_in_english(limited, client):
    for _ in range(3):
        client.post(URL, {"mobile": "13900002222", "password": "x"}, REMOTE_ADDR="10.3.0.3")
    client.cookies["django_language"] = "en"
    refused = client.post(URL, {"mobile": "13900002222", "password": "x"}, REMOTE_ADDR="10.3.0.3")
    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()


def test_the_decided_list_shows_no_sign_up_still_waiting_for_its_code(world, client, settings):
    settings.NOTIFY_WEBHOOK_URL = "http://127.0.0.1:9/unused"
    settings.NOTIFY_WEBHOOK_SECRET = "x"
    waiting = services.signup_submit(
        phone="13900002222", name="待验证的人", room=world.rooms_a[2], password=PASSWORD
    )
    assert waiting.signup.status == SignupStatus.VERIFYING
    refused = services.signup_submit(
        phone="13900003333", name="被拒绝的人", room=world.rooms_a[2], password=PASSWORD
    )
    Signup.objects.filter(pk=refused.signup.pk).update(
        status=SignupStatus.REFUSED, reason="不是本人"
    )
    client.force_login(world.assistant)

    page = client.get("/portal/staff/signups/").content.decode()

    assert "被拒绝的人" in page
    assert "待验证的人" not in page


def test_without_a_gateway_sign_ups_of_one_number_are_limited_from_any_address(
    world, client, settings, django_capture_on_commit_callbacks
):
    """Each sign-up tells the holder of the number (e-mail, portal notice) and the assistants:
    without the per-number limit that the code of a gateway counts, strangers on many
    addresses could flood them with sign-ups of one number."""
    from wuyedesk.properties.models import Company
    from wuyedesk.testing import make_resident

    cache.clear()
    settings.NOTIFY_WEBHOOK_URL = ""
    Company.objects.filter(pk=1).update(rate_code_per_number="2/h", rate_signup="100/h")
    make_resident(world.rooms_a[2], name="赵敏", phone="13900002222")
    place = world.rooms_a[2]
    form = {
        "mobile": "13900002222",
        "name": "别人",
        "community": place.community_id,
        "building": place.building_id,
        "room": place.pk,
        "email": "",
        "password": PASSWORD,
    }
    answers = []
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(client.post("/portal/signup/", form, REMOTE_ADDR=f"10.4.0.{n}"))

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0 and 'value="别人"' in answers[-1].content.decode()
    assert Signup.objects.filter(phone="13900002222").count() == 2
    # Another number is not held back.
    other = client.post(
        "/portal/signup/", {**form, "mobile": "13900003333"}, REMOTE_ADDR="10.4.1.1"
    )
    assert other.status_code == 200
