"""NUL in an address is refused up front (PostgreSQL cannot compare it); in posted search text
it is removed before searching; in what is stored it is a field's error
(test_input_hygiene.py here and in api/tests)."""

import json


def test_api_query_with_nul_is_422_json(world, api_as):
    response = api_as(world.admin).get("/api/v1/staff", q="a\x00b")
    assert response.status_code == 422
    assert response.json()["code"] == "null_characters"


def test_api_path_with_nul_is_422_json(world, api_as):
    response = api_as(world.admin).get("/api/v1/staff/1%00")
    assert response.status_code == 422
    assert response.json()["code"] == "null_characters"


def test_api_body_with_nul_is_422_naming_the_field(world, client):
    response = client.post(
        "/api/v1/auth/token",
        json.dumps({"username": "ad\x00min", "password": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["field"] == "username"


def test_page_search_with_nul_is_400(world, client_as):
    client = client_as(world.specialist)
    assert client.get("/residents/", {"q": "张\x00"}).status_code == 400


def test_list_search_posted_with_nul_searches_without_it(world, client_as):
    """List pages search by POST (a phone number stays out of URLs): the posted text is
    searched without its control characters, never a server error on PostgreSQL."""
    client = client_as(world.specialist)
    response = client.post("/residents/", {"q": "张\x00伟"})
    assert response.status_code == 200
    assert "张伟" in response.content.decode()
    assert client.post("/tickets/", {"q": "漏\x00水\x1b"}).status_code == 200


def test_intake_lookup_posted_with_nul_searches_without_it(world, client_as):
    response = client_as(world.specialist).post("/tickets/new/lookup/", {"q": "张\x00伟"})
    assert response.status_code == 200
    assert "张伟" in response.content.decode()


def test_ordinary_requests_pass(world, client_as):
    assert client_as(world.specialist).get("/residents/", {"q": "张"}).status_code == 200
