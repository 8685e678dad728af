"""NUL in any input is refused up front (PostgreSQL cannot store or compare it)."""

import json


def test_api_query_with_nul_is_422_json(world, api_as):
    response = api_as(world.admin).get("/api/v1/staff", q="a\x00b")
    assert response.status_code == 422
    assert response.json()["code"] == "null_characters"


def test_api_body_with_nul_is_422_json(world, client):
    response = client.post(
        "/api/v1/auth/token",
        json.dumps({"username": "ad\x00min", "password": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 422


def test_page_search_with_nul_is_400(world, client_as):
    client = client_as(world.specialist)
    assert client.get("/residents/", {"q": "张\x00"}).status_code == 400
    assert client.post("/residents/", {"q": "张\x00"}).status_code == 400


def test_ordinary_requests_pass(world, client_as):
    assert client_as(world.specialist).get("/residents/", {"q": "张"}).status_code == 200
