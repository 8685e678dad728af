"""The sign-up of a WeChat mini-program (/api/v1/portal/signup, /signup/verify, /signup/resend):
the number is proven with the code sent through the SMS gateway (#11 point 1), the same answer
whoever is on record, 429 with Retry-After over the rate limits, 422 naming the field."""

import pytest

from wuyedesk.accounts.models import User
from wuyedesk.channels.models import Signup, SignupStatus
from wuyedesk.properties.models import Company

API = "/api/v1/portal"
PASSWORD = "Sunny-day-2026"


def post(client, path, body, **extra):
    return client.post(f"{API}{path}", body, content_type="application/json", **extra)


def sign_up(client, committed, room, mobile="13900002222", **extra):
    body = {"mobile": mobile, "name": "赵敏", "room": room.pk, "password": PASSWORD, **extra}
    with committed():
        return post(client, "/signup", body)


def test_signup_then_verify_gives_a_token_of_the_linked_resident(
    world, zhao, sms_gateway, committed, client
):
    started = sign_up(client, committed, world.rooms_a[2])

    assert started.status_code == 201
    body = started.json()
    assert body["status"] == "verify" and body["token"] is None
    assert body["masked_mobile"] == "139****2222" and body["expires_in"] == 600
    assert not User.objects.filter(resident=zhao).exists()
    code = sms_gateway.code_for("13900002222")

    with committed():
        done = post(client, "/signup/verify", {"verification": body["verification"], "code": code})

    assert done.status_code == 200 and done.json()["status"] == "linked"
    me = client.get(f"{API}/me", headers={"Authorization": f"Bearer {done.json()['token']}"})
    assert me.status_code == 200 and me.json()["name"] == "赵敏"
    again = post(client, "/signup/verify", {"verification": body["verification"], "code": code})
    assert again.status_code == 422 and again.json()["field"] == "verification"


def test_the_answer_is_the_same_whoever_is_on_record(world, zhao, sms_gateway, committed, client):
    shapes = []
    for mobile, room in (
        ("13812345678", world.rooms_a[0]),  # has an account
        ("13900002222", world.rooms_a[2]),  # on record, no account
        ("13900008888", world.rooms_a[2]),  # not on record
    ):
        response = sign_up(client, committed, room, mobile=mobile)
        assert response.status_code == 201
        body = response.json()
        shapes.append(
            (
                body["status"],
                body["expires_in"],
                body["token"],
                body["signup_id"],
                len(body["verification"]),
            )
        )
    assert shapes[0] == shapes[1] == shapes[2]
    assert len(sms_gateway.messages) == 3  # a code went to each number alike


def test_a_verified_number_that_has_an_account(world, sms_gateway, committed, client):
    body = sign_up(client, committed, world.rooms_a[0], mobile="13812345678").json()
    with committed():
        done = post(
            client,
            "/signup/verify",
            {"verification": body["verification"], "code": sms_gateway.code_for("13812345678")},
        )
    assert done.status_code == 200 and done.json() == {
        "status": "has_account",
        "token": None,
        "signup_id": None,
        "verification": None,
        "masked_mobile": None,
        "expires_in": None,
    }
    assert User.objects.filter(resident__phone="13812345678").count() == 1


def test_wrong_codes_are_422_on_the_code_field_and_burn_after_five(
    world, zhao, sms_gateway, committed, client
):
    verification = sign_up(client, committed, world.rooms_a[2]).json()["verification"]
    code = sms_gateway.code_for("13900002222")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    codes = []
    for _ in range(5):
        response = post(client, "/signup/verify", {"verification": verification, "code": wrong})
        assert response.status_code == 422 and response.json()["field"] == "code"
        codes.append(response.json()["code"])
    assert codes == ["wrong_code"] * 4 + ["too_many_tries"]
    spent = post(client, "/signup/verify", {"verification": verification, "code": code})
    assert spent.json()["code"] == "expired"
    with committed():
        resent = post(client, "/signup/resend", {"verification": verification})
    assert resent.status_code == 200 and resent.json()["status"] == "verify"
    fresh = sms_gateway.code_for("13900002222")
    with committed():
        linked = post(client, "/signup/verify", {"verification": verification, "code": fresh})
    assert linked.json()["status"] == "linked"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/signup", {"mobile": "12345", "name": "赵", "room": 0, "password": PASSWORD}, "room"),
        ("/signup", {"mobile": "12345", "name": "赵", "password": PASSWORD}, "room"),
        ("/signup", {"mobile": "1" * 30, "name": "赵", "room": 1, "password": PASSWORD}, "mobile"),
        ("/signup/verify", {"verification": "x", "code": "abcdef"}, "verification"),
        ("/signup/verify", {"verification": "", "code": "123456"}, "verification"),
        ("/signup/verify", {"verification": "x"}, "code"),
        ("/signup/verify", {"verification": "x", "code": "1" * 20}, "code"),
        ("/signup/resend", {}, "verification"),
        ("/signup/resend", {"verification": "unknown"}, "verification"),
    ],
)
def test_bad_input_is_422_naming_the_field(world, sms_gateway, client, path, body, field):
    response = post(client, path, body)
    assert response.status_code == 422
    answer = response.json()
    assert answer["field"] == field and answer["message"] and answer["code"]
    assert not Signup.objects.exists() and sms_gateway.messages == []


def test_bad_mobile_and_code_of_a_real_sign_up(world, zhao, sms_gateway, committed, client):
    bad = sign_up(client, committed, world.rooms_a[2], mobile="12345")
    assert bad.status_code == 422 and bad.json()["field"] == "mobile"
    verification = sign_up(client, committed, world.rooms_a[2]).json()["verification"]
    for code in ("12", "abcdef"):
        response = post(client, "/signup/verify", {"verification": verification, "code": code})
        assert response.status_code == 422
        assert (response.json()["field"], response.json()["code"]) == ("code", "invalid")
    assert Signup.objects.get().code_tries == 0


def test_signups_over_the_limit_per_address_are_429_with_retry_after(world, committed, client):
    Company.objects.filter(pk=1).update(rate_signup="2/h")
    for n in range(2):
        assert (
            sign_up(client, committed, world.rooms_a[2], mobile=f"1390000200{n}").status_code == 201
        )

    refused = sign_up(client, committed, world.rooms_a[2], mobile="13900002009")

    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused.json()["code"] == "throttled" and refused.json()["retry_after"] > 0
    assert Signup.objects.count() == 2
    other = client.post(
        f"{API}/signup",
        {"mobile": "13900002009", "name": "赵", "room": world.rooms_a[2].pk, "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR="10.1.2.3",
    )
    assert other.status_code == 201  # counted per client address


def test_codes_over_the_limit_per_number_are_429(world, zhao, sms_gateway, committed, client):
    Company.objects.filter(pk=1).update(rate_code_per_number="2/h")
    verification = sign_up(client, committed, world.rooms_a[2]).json()["verification"]
    with committed():
        assert post(client, "/signup/resend", {"verification": verification}).status_code == 200

    with committed():
        refused = post(client, "/signup/resend", {"verification": verification})

    assert refused.status_code == 429 and refused["Retry-After"]
    assert len(sms_gateway.to("13900002222")) == 2
    # From another address, for the same number: still refused, nothing written or sent.
    with committed():
        elsewhere = post(
            client,
            "/signup",
            {
                "mobile": "13900002222",
                "name": "别人",
                "room": world.rooms_a[2].pk,
                "password": PASSWORD,
            },
            REMOTE_ADDR="10.7.7.7",
        )
    assert elsewhere.status_code == 429
    assert Signup.objects.count() == 1 and len(sms_gateway.to("13900002222")) == 2


def test_codes_over_the_limit_per_address_are_429(world, sms_gateway, committed, client):
    Company.objects.filter(pk=1).update(rate_code_per_address="2/h")
    for n in range(2):
        assert (
            sign_up(client, committed, world.rooms_a[2], mobile=f"1390000300{n}").status_code == 201
        )
    refused = sign_up(client, committed, world.rooms_a[2], mobile="13900003009")
    assert refused.status_code == 429 and refused["Retry-After"]
    assert len(sms_gateway.messages) == 2


def test_without_a_gateway_verify_has_nothing_to_verify(world, zhao, committed, client):
    body = sign_up(client, committed, world.rooms_a[2]).json()
    assert body["status"] == "pending" and body["verification"] is None
    assert Signup.objects.get().status == SignupStatus.PENDING
    assert not User.objects.filter(resident=zhao).exists()


def test_openapi_documents_the_sign_up_steps(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("signup", "signup/verify", "signup/resend"):
        assert "422" in paths[f"/api/v1/portal/{path}"]["post"]["responses"]
    for path in ("signup", "signup/resend"):
        assert "429" in paths[f"/api/v1/portal/{path}"]["post"]["responses"]
