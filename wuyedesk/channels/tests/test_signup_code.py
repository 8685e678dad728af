"""Sign-up proves the number (#11 point 1): linking to a resident on record needs the one-time
code sent to that number through the SMS gateway (a real HTTP server on 127.0.0.1); without
a gateway every sign-up waits for an assistant. No answer tells a stranger whether the number
is on record or has an account, and whoever holds the number on record hears of the attempt."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from wuyedesk.accounts.models import User
from wuyedesk.channels import services
from wuyedesk.channels.models import Signup, SignupStatus
from wuyedesk.notifications.models import Notification, WebhookDelivery
from wuyedesk.properties.models import Company
from wuyedesk.web.tests.test_homes import figures

PASSWORD = "Sunny-day-2026"


def submit(committed, room, phone="13900002222", **extra):
    data = {"phone": phone, "name": "赵敏", "room": room, "password": PASSWORD, **extra}
    with committed():
        return services.signup_submit(**data)


def error_of(call):
    with pytest.raises(ValidationError) as caught:
        call()
    ((field, errors),) = caught.value.error_dict.items()
    return field, errors[0].code, " ".join(errors[0].messages)


# ---------------------------------------------------------------- services


def test_the_right_code_links_the_number_on_record(world, zhao, sms_gateway, committed):
    result = submit(committed, world.rooms_a[2])

    assert result.status == services.VERIFY and result.user is None
    assert not User.objects.filter(resident=zhao).exists()  # knowing number + room is not enough
    (message,) = sms_gateway.to("13900002222")
    code = message["code"]
    assert re.fullmatch(r"\d{6}", code) and code in message["text"]
    assert message["event"] == "signup_code" and message["resident"]["id"] is None
    assert sms_gateway.refused == 0  # signed with NOTIFY_WEBHOOK_SECRET
    signup = Signup.objects.get()
    assert signup.status == SignupStatus.VERIFYING
    stored = " ".join(str(v) for v in Signup.objects.values().get().values())
    assert code not in stored and result.token not in stored  # digests only
    assert not WebhookDelivery.objects.exists()  # the code is in no delivery log either

    with committed():
        done = services.signup_verify(token=result.token, code=code)

    assert done.status == services.LINKED
    user = User.objects.get(resident=zhao)
    assert done.user == user and user.check_password(PASSWORD)
    signup.refresh_from_db()
    assert signup.status == SignupStatus.APPROVED and signup.phone_verified_at is not None
    assert signup.code_hash == "" and signup.user == user
    # The code works once.
    field, code_name, _msg = error_of(lambda: services.signup_verify(token=result.token, code=code))
    assert (field, code_name) == ("verification", "invalid_state")


def test_five_wrong_codes_burn_the_code(world, zhao, sms_gateway, committed):
    result = submit(committed, world.rooms_a[2])
    code = sms_gateway.code_for("13900002222")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    answers = [
        error_of(lambda: services.signup_verify(token=result.token, code=wrong)) for _ in range(5)
    ]

    assert [a[1] for a in answers] == ["wrong_code"] * 4 + ["too_many_tries"]
    assert "还可以再试 4 次" in answers[0][2] and "还可以再试 1 次" in answers[3][2]
    field, code_name, _msg = error_of(lambda: services.signup_verify(token=result.token, code=code))
    assert (field, code_name) == ("code", "expired")  # the right code is spent too
    assert not User.objects.filter(resident=zhao).exists()
    assert Signup.objects.get().code_tries == 5

    # A new code can be tried again.
    with committed():
        services.signup_resend(token=result.token)
    fresh = sms_gateway.code_for("13900002222")
    assert Signup.objects.get().code_tries == 0
    with committed():
        assert services.signup_verify(token=result.token, code=fresh).status == services.LINKED


def test_the_fifth_try_may_be_the_right_one(world, zhao, sms_gateway, committed):
    result = submit(committed, world.rooms_a[2])
    code = sms_gateway.code_for("13900002222")
    wrong = f"{(int(code) + 7) % 1_000_000:06d}"
    for _ in range(4):
        error_of(lambda: services.signup_verify(token=result.token, code=wrong))
    with committed():
        assert services.signup_verify(token=result.token, code=code).status == services.LINKED


def test_an_expired_code_is_refused(world, zhao, sms_gateway, committed):
    result = submit(committed, world.rooms_a[2])
    code = sms_gateway.code_for("13900002222")
    signup = Signup.objects.get()
    minutes = services.code_minutes()
    assert minutes == 10
    assert abs(
        signup.code_expires_at - timezone.now() - dt.timedelta(minutes=minutes)
    ) < dt.timedelta(minutes=1)
    Signup.objects.filter(pk=signup.pk).update(
        code_expires_at=timezone.now() - dt.timedelta(seconds=1)
    )

    field, code_name, message = error_of(
        lambda: services.signup_verify(token=result.token, code=code)
    )

    assert (field, code_name) == ("code", "expired") and "重新发送" in message
    assert not User.objects.filter(resident=zhao).exists()


def test_a_resent_code_replaces_the_previous_one(world, zhao, sms_gateway, committed):
    result = submit(committed, world.rooms_a[2])
    first = sms_gateway.code_for("13900002222")
    with committed():
        services.signup_resend(token=result.token)
    second = sms_gateway.code_for("13900002222")
    assert len(sms_gateway.to("13900002222")) == 2
    if first != second:  # one chance in a million that they are the same
        assert error_of(lambda: services.signup_verify(token=result.token, code=first))[1] == (
            "wrong_code"
        )
    with committed():
        assert services.signup_verify(token=result.token, code=second).status == services.LINKED


def test_bad_codes_and_unknown_tokens_are_refused_by_field(world, zhao, sms_gateway, committed):
    result = submit(committed, world.rooms_a[2])
    for bad in ("", "12345", "1234567", "abcdef", "１２３４５６"):
        field, code_name, _msg = error_of(
            lambda bad=bad: services.signup_verify(token=result.token, code=bad)
        )
        assert (field, code_name) == ("code", "invalid")
    assert Signup.objects.get().code_tries == 0  # not a guess: no try used
    for token in ("", "not-a-token"):
        field, _code, _msg = error_of(
            lambda token=token: services.signup_verify(token=token, code="123456")
        )
        assert field == "verification"


def test_without_a_gateway_every_sign_up_waits_for_an_assistant(world, zhao, committed):
    result = submit(committed, world.rooms_a[2], email="zm@example.com")

    assert result.status == services.PENDING and result.token == ""
    assert not User.objects.filter(resident=zhao).exists()  # never linked by itself
    signup = Signup.objects.get()
    assert signup.status == SignupStatus.PENDING and signup.phone_verified_at is None
    assert Notification.objects.filter(user=world.assistant, kind="signup").exists()
    with pytest.raises(ValidationError):
        services.signup_verify(token="anything", code="123456")


def test_a_proven_number_not_on_record_for_the_room_waits_for_an_assistant(
    world, sms_gateway, committed, client_as
):
    result = submit(committed, world.rooms_a[2], phone="13900003333")
    assistant = client_as(world.assistant)
    assistant.get("/")  # the first page of a new database writes the policy's first version
    assert figures(assistant.get("/").content.decode())["signups"][1] == 0  # still verifying
    with committed():
        done = services.signup_verify(token=result.token, code=sms_gateway.code_for("13900003333"))

    assert done.status == services.PENDING
    # The home's kept count follows at once (the claim is an update, which bumps it itself).
    assert figures(assistant.get("/").content.decode())["signups"][1] == 1
    signup = Signup.objects.get()
    assert signup.status == SignupStatus.PENDING and signup.phone_verified_at is not None
    assert Notification.objects.filter(user=world.assistant, kind="signup").exists()
    queue = client_as(world.assistant).get("/portal/staff/signups/").content.decode()
    assert "手机号已验证" in queue and "13900003333" not in queue


def test_a_proven_number_that_has_an_account_gets_no_second_one(world, sms_gateway, committed):
    result = submit(committed, world.rooms_a[0], phone="13812345678", name="张伟")
    with committed():
        done = services.signup_verify(token=result.token, code=sms_gateway.code_for("13812345678"))

    assert done.status == services.HAS_ACCOUNT
    assert User.objects.filter(resident__phone="13812345678").count() == 1
    assert Signup.objects.get().status == SignupStatus.REFUSED


def test_the_holder_of_the_number_learns_of_the_attempt(world, sms_gateway, committed):
    """World.resident (13812345678) has an account: a stranger signs up with that number."""
    submit(committed, world.rooms_a[0], phone="13812345678", name="冒名者")

    notice = Notification.objects.get(user=world.resident, kind="resident:signup_attempt")
    assert "您的手机号刚刚被用于申请业主服务账号" in notice.text and "验证码" in notice.text
    (sms,) = sms_gateway.to("13812345678")  # the code message is the SMS notice
    assert "如非本人操作" in sms["text"]


def test_the_holder_is_told_without_a_gateway_too(world, committed):
    submit(committed, world.rooms_a[0], phone="13812345678", name="冒名者")
    assert Notification.objects.filter(user=world.resident, kind="resident:signup_attempt").exists()
    assert not User.objects.filter(resident__phone="13812345678").exclude(pk=world.resident.pk)


def test_nobody_is_told_about_a_number_not_on_record(world, sms_gateway, committed):
    before = Notification.objects.filter(kind="resident:signup_attempt").count()
    submit(committed, world.rooms_a[2], phone="13900009999")
    assert Notification.objects.filter(kind="resident:signup_attempt").count() == before


def test_a_gateway_that_refuses_is_logged_without_the_number_or_code(
    world, zhao, sms_gateway, committed, settings, caplog
):
    settings.NOTIFY_WEBHOOK_SECRET = "not-the-gateway-secret"  # the gateway answers 401
    result = submit(committed, world.rooms_a[2])
    assert result.status == services.VERIFY and sms_gateway.refused == 1
    assert "not accepted" in caplog.text and "13900002222" not in caplog.text


# ---------------------------------------------------------------- pages


def _form(place, **extra):
    data = {
        "mobile": "13900002222",
        "name": "赵敏",
        "community": place.community_id,
        "building": place.building_id,
        "room": place.pk,
        "email": "",
        "password": PASSWORD,
    }
    data.update(extra)
    return data


def _normalised(html: str) -> str:
    """A page without what differs between any two requests (CSRF tokens, masked numbers)."""
    html = re.sub(r"\b[A-Za-z0-9]{64}\b", "CSRF", html)
    return re.sub(r"1\d\d\*\*\*\*\d{4}", "MOBILE", html)


def test_page_answers_the_same_whoever_is_on_record(world, zhao, sms_gateway, committed, client):
    pages = []
    for mobile, room in (
        ("13812345678", world.rooms_a[0]),  # on record, with an account
        ("13900002222", world.rooms_a[2]),  # on record, no account
        ("13900007777", world.rooms_a[2]),  # not on record
    ):
        client.cookies.clear()
        with committed():
            response = client.post("/portal/signup/", _form(room, mobile=mobile))
        assert response.status_code == 302 and response["Location"] == "/portal/signup/verify/"
        page = client.get("/portal/signup/verify/")
        assert page.status_code == 200
        pages.append(_normalised(page.content.decode()))
    assert pages[0] == pages[1] == pages[2]
    assert "已注册" not in pages[0] and "已有账号" not in pages[0]


def test_page_answers_the_same_without_a_gateway(world, zhao, committed, client):
    pages = []
    for mobile, room in (
        ("13812345678", world.rooms_a[0]),
        ("13900002222", world.rooms_a[2]),
        ("13900007777", world.rooms_a[2]),
    ):
        with committed():
            response = client.post("/portal/signup/", _form(room, mobile=mobile))
        assert response.status_code == 200
        pages.append(_normalised(response.content.decode()))
    assert pages[0] == pages[1] == pages[2]
    assert "待审核" in pages[0] and "已注册" not in pages[0]
    assert "_auth_user_id" not in client.session


def test_page_flow_code_step_then_linked_and_logged_in(world, zhao, sms_gateway, committed, client):
    with committed():
        client.post("/portal/signup/", _form(world.rooms_a[2]))
    page = client.get("/portal/signup/verify/").content.decode()
    assert "139****2222" in page and "10 分钟内有效" in page and 'id="resend-code"' in page
    assert 'autocomplete="one-time-code"' in page
    code = sms_gateway.code_for("13900002222")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    refused = client.post("/portal/signup/verify/", {"code": wrong})

    assert refused.status_code == 422
    html = refused.content.decode()
    assert "验证码不正确,还可以再试 4 次" in html and f'value="{wrong}"' in html
    assert "_auth_user_id" not in client.session

    with committed():
        done = client.post("/portal/signup/verify/", {"code": code})

    assert done.status_code == 302 and done["Location"] == "/portal/"
    home = client.get("/portal/")
    assert home.status_code == 200 and world.rooms_a[2].number in home.content.decode()
    assert client.session["_auth_user_id"] == str(User.objects.get(resident=zhao).pk)
    # Back to the code step: nothing waits any more.
    client.logout()
    assert client.get("/portal/signup/verify/")["Location"] == "/portal/signup/"


def test_page_errors_in_english(world, zhao, sms_gateway, committed, client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with committed():
        client.post("/portal/signup/", _form(world.rooms_a[2]))
    refused = client.post("/portal/signup/verify/", {"code": "12"})
    assert refused.status_code == 422
    assert "Enter the 6-digit code from the text message" in refused.content.decode()
    code = sms_gateway.code_for("13900002222")
    assert "Your verification code" in sms_gateway.to("13900002222")[0]["text"]
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    html = client.post("/portal/signup/verify/", {"code": wrong}).content.decode()
    assert "Wrong code; 4 tries left." in html


def test_page_resend_is_limited_per_number(world, zhao, sms_gateway, committed, client):
    Company.objects.filter(pk=1).update(rate_code_per_number="2/h")
    with committed():
        client.post("/portal/signup/", _form(world.rooms_a[2]))
    with committed():
        again = client.post("/portal/signup/verify/resend/")
    assert again.status_code == 302 and len(sms_gateway.to("13900002222")) == 2

    with committed():
        refused = client.post("/portal/signup/verify/resend/")

    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "尝试次数过多" in refused.content.decode()
    assert len(sms_gateway.to("13900002222")) == 2
    # A fresh sign-up with the same number from elsewhere is held back too, form kept.
    client.cookies.clear()
    with committed():
        other = client.post(
            "/portal/signup/", _form(world.rooms_a[2], name="别人"), REMOTE_ADDR="10.9.9.9"
        )
    assert other.status_code == 429 and 'value="别人"' in other.content.decode()
    assert len(sms_gateway.to("13900002222")) == 2 and Signup.objects.count() == 1


def test_page_sign_up_is_limited_per_client_address(world, committed, client):
    Company.objects.filter(pk=1).update(rate_signup="2/h")
    for n in range(2):
        with committed():
            assert (
                client.post(
                    "/portal/signup/", _form(world.rooms_a[2], mobile=f"1390000100{n}")
                ).status_code
                == 200
            )
    refused = client.post("/portal/signup/", _form(world.rooms_a[2], mobile="13900001009"))
    assert refused.status_code == 429 and refused["Retry-After"]
    assert 'value="13900001009"' in refused.content.decode()
    assert Signup.objects.count() == 2


def test_status_lookup_finds_my_sign_up_despite_a_later_one_by_someone_else(
    world, committed, client
):
    with committed():
        client.post("/portal/signup/", _form(world.rooms_a[2], mobile="13900004444"))
        client.post(
            "/portal/signup/",
            _form(world.rooms_a[1], mobile="13900004444", name="别人", password="Other-pass-2026"),
        )
    assert Signup.objects.filter(phone="13900004444").count() == 2
    mine = client.post("/portal/signup/status/", {"mobile": "13900004444", "password": PASSWORD})
    html = mine.content.decode()
    assert "赵敏" in html and "别人" not in html and "待审核" in html
