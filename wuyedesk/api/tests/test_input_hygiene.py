"""#11 point 8 in the API: control characters are refused naming the field (422), CRLF becomes
LF, a body over the limit is a JSON 413, a JSON operation given another type a JSON 415."""

import json

import pytest

from wuyedesk.properties.models import Resident
from wuyedesk.testing import assert_api_error
from wuyedesk.tickets.models import Ticket

TICKETS = "/api/v1/tickets"


def ticket_body(world, categories, **fields):
    return {
        "kind": "inquiry",
        "channel": "phone",
        "category": categories["UTILITY"].id,
        "resident": world.resident_a.id,
        "room": world.rooms_a[0].id,
        "description": "卫生间漏水",
        **fields,
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "\x1b[31m红色标题\x1b[0m"),  # an escape sequence
        ("title", "空\x00字符"),
        ("description", "C1 控制符\x9b2J"),  # CSI of 8-bit terminals
        ("description", "孤立的回车\r覆盖"),  # CR not ending a line
        ("description", "删除符\x7f"),
    ],
)
def test_control_characters_in_a_body_are_a_422_naming_the_field(
    world, api_as, categories, field, value
):
    response = api_as(world.specialist).post(
        TICKETS, ticket_body(world, categories, **{field: value})
    )

    assert_api_error(response, 422, "control_characters", field)
    assert not Ticket.objects.exists()


def test_tab_newline_and_crlf_are_accepted_crlf_stored_as_lf(world, api_as, categories):
    response = api_as(world.specialist).post(
        TICKETS,
        ticket_body(world, categories, title="水\t漏", description="第一行\r\n第二行\n第三行"),
    )

    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get()
    assert ticket.title == "水\t漏"
    assert ticket.description == "第一行\n第二行\n第三行"


def test_a_nested_field_is_named_by_its_path(world, api_as):
    # The resources' PATCH goes through the same parser; a resident's notes.
    response = api_as(world.assistant).patch(
        f"/api/v1/residents/{world.resident_a.id}", {"notes": "ok", "name": "张\x1b伟"}
    )

    assert_api_error(response, 422, "control_characters", "name")
    assert Resident.objects.get(pk=world.resident_a.pk).name == "张伟"


def test_control_characters_in_a_query_are_a_422_naming_it(world, api_as):
    response = api_as(world.specialist).get("/api/v1/residents", q="张\x1b[2J")

    assert_api_error(response, 422, "control_characters", "q")


def test_nul_in_a_body_names_the_field(world, client):
    response = client.post(
        "/api/v1/auth/token",
        json.dumps({"username": "ad\x00min", "password": "x"}),
        content_type="application/json",
    )

    assert_api_error(response, 422, "control_characters", "username")


def test_a_body_over_the_limit_is_a_json_413_without_an_error_in_the_log(
    world, api_as, settings, caplog
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api_as(world.specialist).post(
        TICKETS, {"kind": "inquiry", "description": "漏" * 2000}
    )

    body = assert_api_error(response, 413, "too_large")
    assert "MB" in body["message"]
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


def test_a_json_operation_given_a_form_is_a_json_415(world, client):
    response = client.post("/api/v1/auth/token", {"username": "admin", "password": "x"})

    assert_api_error(response, 415, "unsupported_media_type")


def test_a_json_operation_given_plain_text_is_a_json_415(world, api_as, client, categories):
    token = api_as(world.specialist).headers
    response = client.post(
        TICKETS,
        json.dumps(ticket_body(world, categories)),
        content_type="text/plain",
        headers=token,
    )

    assert_api_error(response, 415, "unsupported_media_type")
    assert not Ticket.objects.exists()


def test_json_with_a_charset_is_still_json(world, client):
    response = client.post(
        "/api/v1/auth/token",
        json.dumps({"username": "nobody", "password": "x"}),
        content_type="application/json; charset=utf-8",
    )

    assert_api_error(response, 401, "invalid_credentials")
