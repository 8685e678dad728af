from wuyedesk.accounts.models import Staff, User
from wuyedesk.audit.models import AuditEntry

NEW_STAFF = {
    "username": "newbie",
    "password": "Fresh-pass-2026",
    "name": "新员工",
    "employee_no": "E900",
    "posts": ["specialist"],
}


def test_admin_creates_staff_with_posts_and_login(world, client_as):
    client = client_as(world.admin)
    data = {**NEW_STAFF, "communities": [world.a.pk]}
    response = client.post("/staff/new/", data)
    assert response.status_code == 302, response.context["form"].errors
    staff = Staff.objects.get(employee_no="E900")
    assert staff.post_list == ["specialist"]
    assert list(staff.communities.all()) == [world.a]
    assert staff.user.check_password("Fresh-pass-2026")
    assert AuditEntry.objects.filter(object_type="accounts.staff", object_id=staff.pk).exists()


def test_department_post_requires_a_department(world, client_as):
    response = client_as(world.admin).post("/staff/new/", {**NEW_STAFF, "posts": ["department"]})
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    assert not User.objects.filter(username="newbie").exists()


def test_weak_password_and_taken_username_are_refused(world, client_as):
    client = client_as(world.admin)
    response = client.post("/staff/new/", {**NEW_STAFF, "username": "manager", "password": "123"})
    errors = response.context["form"].errors
    assert "username" in errors and "password" in errors


def test_editing_posts_replaces_them(world, client_as):
    staff = world.specialist.staff
    response = client_as(world.admin).post(
        f"/staff/{staff.pk}/edit/",
        {
            "name": staff.name,
            "employee_no": staff.employee_no,
            "posts": ["assistant", "specialist"],
            "communities": [world.a.pk],
        },
    )
    assert response.status_code == 302
    assert Staff.objects.get(pk=staff.pk).post_list == ["assistant", "specialist"]


def test_manager_cannot_create_staff(world, client_as):
    assert client_as(world.manager).post("/staff/new/", NEW_STAFF).status_code == 403


def test_archived_staff_loses_access(world, client_as):
    client_as(world.admin).post(f"/staff/{world.specialist.staff.pk}/archive/")
    client = client_as(world.specialist)
    response = client.get("/residents/")  # the session no longer authenticates them
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_tokens_page_creates_and_revokes(world, client_as):
    client = client_as(world.specialist)
    page = client.post("/account/tokens/", {"name": "pbx"}).content.decode()
    assert "wd_" in page
    token = world.specialist.api_tokens.get()
    client.post(f"/account/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    other = client_as(world.manager)
    assert other.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404


def test_an_extension_another_active_colleague_has_is_refused(world, client_as):
    """A screen pop reaches one person (issue #12 point 9): the staff page refuses an
    extension in use, keeps the form filled and changes nothing; an archived colleague's
    extension is free again."""
    Staff.objects.filter(pk=world.manager.staff.pk).update(extension="8001")
    client = client_as(world.admin)
    data = {**NEW_STAFF, "communities": [world.a.pk], "extension": "8001"}
    response = client.post("/staff/new/", data)
    assert response.status_code == 200
    assert "该分机号已有其他员工使用。" in str(response.context["form"].errors)
    assert response.context["form"]["name"].value() == "新员工"
    assert not User.objects.filter(username="newbie").exists()
    Staff.objects.filter(pk=world.manager.staff.pk).update(archived_at=world.manager.date_joined)
    assert client.post("/staff/new/", data).status_code == 302
    assert Staff.objects.get(employee_no="E900").extension == "8001"
