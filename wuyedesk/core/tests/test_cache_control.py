"""#11 point 10: signed-in pages and API answers say `Cache-Control: private, no-store`;
anonymous pages and static files keep what they had."""

from django.utils.cache import get_max_age


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_a_signed_in_page_is_private_and_not_stored(world, client_as):
    response = client_as(world.specialist).get("/residents/")

    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)


def test_a_residents_portal_page_is_private_and_not_stored(world, client):
    client.force_login(world.resident, backend="wuyedesk.accounts.backends.ResidentPhoneBackend")

    response = client.get("/portal/")

    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)


def test_an_api_answer_is_private_and_not_stored(world, api_as):
    response = api_as(world.specialist).get("/api/v1/residents")

    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)


def test_an_api_error_is_private_and_not_stored(world, client):
    response = client.get("/api/v1/residents")

    assert response.status_code == 401
    assert {"private", "no-store"} <= directives(response)


def test_the_anonymous_login_page_keeps_its_headers(world, client):
    response = client.get("/login/")

    assert response.status_code == 200
    assert "no-store" not in directives(response)


def test_static_files_stay_cacheable(world, client_as):
    response = client_as(world.specialist).get("/static/wuyedesk/app.css")

    assert response.status_code == 200
    assert "no-store" not in directives(response)
    assert get_max_age(response) is None or get_max_age(response) > 0
