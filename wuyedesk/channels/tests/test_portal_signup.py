"""Sign-up on the portal without an SMS gateway: every sign-up is queued for an assistant who
links or refuses it with a reason; password reset by e-mail (issue #4 §1, #11 point 1)."""

import re

import pytest

from wuyedesk.accounts.models import User
from wuyedesk.channels.models import Signup, SignupStatus
from wuyedesk.properties.models import Occupancy, Resident
from wuyedesk.testing import PASSWORD, make_resident


def _form(world, place, **extra):
    data = {
        "mobile": "13900002222",
        "name": "赵敏",
        "community": place.community_id,
        "building": place.building_id,
        "room": place.pk,
        "email": "",
        "password": "Sunny-day-2026",
    }
    data.update(extra)
    return data


def test_number_on_record_is_not_linked_without_a_code(world, client):
    """No SMS gateway: knowing a resident's number and room is not enough; an assistant decides
    (with a gateway, see test_signup_code.py)."""
    resident = make_resident(world.rooms_a[2], name="赵敏", phone="13900002222")

    response = client.post("/portal/signup/", _form(world, world.rooms_a[2]))

    assert response.status_code == 200 and "待审核" in response.content.decode()
    assert not User.objects.filter(resident=resident).exists()
    assert Signup.objects.get().status == SignupStatus.PENDING
    assert "_auth_user_id" not in client.session


def test_unknown_number_waits_for_an_assistant(world, client):
    response = client.post(
        "/portal/signup/", _form(world, world.rooms_a[2], email="zm@example.com")
    )

    assert response.status_code == 200
    assert "待审核" in response.content.decode()
    signup = Signup.objects.get()
    assert signup.status == SignupStatus.PENDING and signup.community == world.a
    assert signup.password != "Sunny-day-2026"  # hashed
    assert not User.objects.filter(kind="resident", resident__phone="13900002222").exists()
    assert "_auth_user_id" not in client.session


def test_room_of_another_building_is_refused_and_the_form_keeps_the_input(world, client):
    data = _form(world, world.rooms_a[2], room=world.rooms_b[0].pk)  # room not in that building

    response = client.post("/portal/signup/", data)

    assert response.status_code == 422
    page = response.content.decode()
    assert "请选择房屋" in page or "选择一个有效的选项" in page
    assert 'value="赵敏"' in page
    assert not Signup.objects.exists() and not User.objects.filter(kind="resident").count() > 1


def test_a_registered_number_gets_the_same_answer_and_no_second_account(world, client):
    response = client.post(
        "/portal/signup/", _form(world, world.rooms_a[0], mobile="13812345678", name="张伟")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "已注册" not in page and "已有账号" not in page and "待审核" in page
    assert User.objects.filter(resident__phone="13812345678").count() == 1


def test_pickers_offer_buildings_then_rooms(world, client):
    buildings = client.get("/portal/signup/buildings/", {"community": world.a.pk})
    assert buildings.status_code == 200
    assert f'value="{world.rooms_a[0].building_id}"' in buildings.content.decode()
    rooms = client.get("/portal/signup/rooms/", {"building": world.rooms_a[0].building_id})
    html = rooms.content.decode()
    assert "<optgroup" in html and all(f'value="{r.pk}"' in html for r in world.rooms_a)
    assert f'value="{world.rooms_b[0].pk}"' not in html


def _pending(world, client, **extra):
    client.post("/portal/signup/", _form(world, world.rooms_a[2], **extra))
    client.logout()
    return Signup.objects.get()


def test_assistant_creates_the_resident_and_the_applicant_can_log_in(
    world, client, client_as, smtp, django_capture_on_commit_callbacks
):
    signup = _pending(world, client, email="zm@example.com")
    staff = client_as(world.assistant)
    queue = staff.get("/portal/staff/signups/")
    assert queue.status_code == 200 and "赵敏" in queue.content.decode()
    assert "13900002222" not in queue.content.decode()  # masked

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"/portal/staff/signups/{signup.pk}/", {"decision": "create", "role": "tenant"}
        )

    assert response.status_code == 302
    resident = Resident.objects.get(phone="13900002222")
    assert Occupancy.objects.get(resident=resident).room == world.rooms_a[2]
    assert User.objects.get(resident=resident).check_password("Sunny-day-2026")
    assert smtp.to("zm@example.com")
    staff.logout()
    assert (
        client.post(
            "/portal/login/", {"mobile": "13900002222", "password": "Sunny-day-2026"}
        ).status_code
        == 302
    )


def test_assistant_links_to_an_existing_resident(world, client, client_as):
    existing = make_resident(world.rooms_a[2], name="赵敏", phone="13600000000")
    signup = _pending(world, client)

    response = client_as(world.assistant).post(
        f"/portal/staff/signups/{signup.pk}/", {"decision": "link", "resident": existing.pk}
    )

    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.phone == "13900002222"
    assert User.objects.get(resident=existing).is_resident


def test_refusal_needs_a_reason_which_the_applicant_reads_and_receives(
    world, client, client_as, smtp, django_capture_on_commit_callbacks
):
    signup = _pending(world, client, email="zm@example.com")
    staff = client_as(world.assistant)
    empty = staff.post(f"/portal/staff/signups/{signup.pk}/", {"decision": "refuse"})
    assert empty.status_code == 422 and "请填写拒绝原因" in empty.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            f"/portal/staff/signups/{signup.pk}/",
            {"decision": "refuse", "reason": "该房屋登记的业主不是您,请带房产证到客服中心办理"},
        )

    signup.refresh_from_db()
    assert signup.status == SignupStatus.REFUSED
    mails = smtp.to("zm@example.com")
    assert len(mails) == 1
    staff.logout()
    wrong = client.post(
        "/portal/signup/status/", {"mobile": "13900002222", "password": "wrong-password"}
    )
    assert "房产证" not in wrong.content.decode()
    right = client.post(
        "/portal/signup/status/", {"mobile": "13900002222", "password": "Sunny-day-2026"}
    )
    assert "房产证" in right.content.decode() and "已拒绝" in right.content.decode()


@pytest.mark.parametrize("persona", ["specialist_b", "specialist", "worker", "resident"])
def test_queue_is_for_assistants_and_managers_of_the_community(world, client, persona):
    signup = _pending(world, client)
    client.force_login(
        getattr(world, persona),
        backend="wuyedesk.accounts.backends.ResidentPhoneBackend"
        if persona == "resident"
        else "wuyedesk.accounts.backends.StaffBackend",
    )
    assert client.get("/portal/staff/signups/").status_code == 403
    decide = client.post(f"/portal/staff/signups/{signup.pk}/", {"decision": "create"})
    assert decide.status_code in (403, 404)
    signup.refresh_from_db()
    assert signup.status == SignupStatus.PENDING


def test_assistant_of_another_community_gets_404(world, client):
    from wuyedesk.accounts.choices import Post
    from wuyedesk.testing import make_staff

    signup = _pending(world, client)
    other = make_staff("assistant_b", [Post.ASSISTANT], [world.b])
    client.force_login(other, backend="wuyedesk.accounts.backends.StaffBackend")
    assert "赵敏" not in client.get("/portal/staff/signups/").content.decode()
    response = client.post(f"/portal/staff/signups/{signup.pk}/", {"decision": "create"})
    assert response.status_code == 404


def test_password_reset_by_email_link(world, client, smtp):
    world.resident.email = "zhangwei@example.com"
    world.resident.save()

    response = client.post("/portal/password/reset/", {"email": "zhangwei@example.com"})

    assert response.status_code == 302
    (mail,) = smtp.to("zhangwei@example.com")
    body = mail.get_payload(decode=True).decode()
    link = re.search(r"https?://[^/\s]+(/portal/password/reset/\S+/)", body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": "New-secret-2027", "new_password2": "New-secret-2027"},
    )
    assert done.status_code == 302
    world.resident.refresh_from_db()
    assert world.resident.check_password("New-secret-2027")
    assert not world.resident.check_password(PASSWORD)


def test_staff_email_gets_no_portal_reset_link(world, client, smtp):
    world.specialist.email = "staff@example.com"
    world.specialist.save()
    client.post("/portal/password/reset/", {"email": "staff@example.com"})
    assert smtp.messages == []


def test_login_page_links_to_sign_up_and_password_reset(client):
    page = client.get("/portal/login/").content.decode()
    assert 'href="/portal/signup/"' in page and 'href="/portal/password/reset/"' in page
