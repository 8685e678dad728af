"""Observability (#17 point 5): request ids in answers, logs and the tasks a request
enqueues; JSON logs without personal data (core/observability.py, lib/logcontext.py)."""

import json
import logging
import re

import pytest

from wuyedesk.lib.logcontext import mask_personal

HEX32 = re.compile(r"^[0-9a-f]{32}$")
PROXY_ID = "9f1c2e3d4b5a69788796a5b4c3d2e1f0"


def test_every_answer_carries_a_request_id_of_its_own(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert HEX32.match(first) and HEX32.match(second) and first != second


def test_a_trusted_proxys_request_id_is_kept_and_anything_else_replaced(client, settings):
    settings.PROXY_COUNT = 1
    assert client.get("/healthz", HTTP_X_REQUEST_ID=PROXY_ID)["X-Request-ID"] == PROXY_ID
    for bad in ("short", "x" * 65, "bad id with spaces", "<script>alert(1)</script>", ""):
        answered = client.get("/healthz", HTTP_X_REQUEST_ID=bad)["X-Request-ID"]
        assert HEX32.match(answered) and answered != bad
    # Without a proxy in front, the client would choose its own id: never taken.
    settings.PROXY_COUNT = 0
    answered = client.get("/healthz", HTTP_X_REQUEST_ID=PROXY_ID)["X-Request-ID"]
    assert answered != PROXY_ID and HEX32.match(answered)


@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_by_a_request_runs_and_logs_under_its_request_id(
    world, api_as, settings, caplog
):
    """A major complaint taken through the API mails the managers from a huey task (on
    commit, inside the request): the task's own log lines carry the request's id."""
    from wuyedesk.tickets.defaults import load_categories

    settings.PROXY_COUNT = 1
    caplog.set_level(logging.INFO)
    api = api_as(world.specialist)
    api.headers["X-Request-ID"] = PROXY_ID
    response = api.post(
        "/api/v1/tickets",
        {
            "kind": "complaint",
            "channel": "phone",
            "category": load_categories()["ATTITUDE"].pk,
            "room": world.rooms_a[0].pk,
            "description": "物业人员态度恶劣",
            "severity": "major",
        },
    )
    assert response.status_code == 201, response.content
    assert response["X-Request-ID"] == PROXY_ID
    started = [r for r in caplog.records if r.getMessage().startswith("task email_notifications")]
    assert started and started[0].request_id == PROXY_ID
    assert PROXY_ID in started[0].getMessage()
    sent = [r for r in caplog.records if r.getMessage().startswith("notification e-mails sent")]
    assert sent and all(record.request_id == PROXY_ID for record in sent)
    # Outside any request or task, records say so.
    logging.getLogger("wuyedesk.test").info("after")
    assert caplog.records[-1].request_id == "-"


def _json_handler():
    from pythonjsonlogger.json import JsonFormatter

    found = [h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)]
    assert found, "settings.LOGGING writes JSON to standard error"
    return found[0]


def _written(handler, record) -> str:
    handler.filter(record)
    return handler.format(record)


def test_log_lines_are_json_with_time_level_logger_and_request_id(client, settings, caplog):
    settings.PROXY_COUNT = 1
    caplog.set_level(logging.INFO)
    logger = logging.getLogger("wuyedesk.test")

    def view_logs(request):
        logger.info("inside the request")
        logger.info("邮箱收信")

    from wuyedesk.core.observability import RequestIdMiddleware

    def get_response(request):
        view_logs(request)
        from django.http import HttpResponse

        return HttpResponse("ok")

    from django.test import RequestFactory

    request = RequestFactory().get("/", HTTP_X_REQUEST_ID=PROXY_ID)
    RequestIdMiddleware(get_response)(request)
    record = next(r for r in caplog.records if r.getMessage() == "inside the request")
    line = json.loads(_written(_json_handler(), record))
    assert line["request_id"] == PROXY_ID
    assert line["level"] == "INFO" and line["logger"] == "wuyedesk.test"
    assert line["message"] == "inside the request"
    assert line["time"].endswith("+00:00")  # UTC, whatever TIME_ZONE says
    chinese = next(r for r in caplog.records if r.getMessage() == "邮箱收信")
    assert '"message": "邮箱收信"' in _written(_json_handler(), chinese)  # readable, not \u…


def test_no_phone_or_id_number_reaches_the_log(world, client, caplog):
    """Failed resident logins and a lookup by phone number log nothing personal, and a
    message that carried a number anyway is masked on the way out."""
    caplog.set_level(logging.DEBUG, logger="wuyedesk")
    caplog.set_level(logging.INFO)
    for _attempt in range(3):
        client.post("/portal/login/", {"username": "13812345678", "password": "wrong"})
    client.post(
        "/api/v1/portal/token",
        {"mobile": "13812345678", "password": "wrong"},
        content_type="application/json",
    )
    logging.getLogger("wuyedesk.test").warning(
        "caller %s, id %s", "13812345678", "11010519491231002X"
    )
    handler = _json_handler()
    lines = [_written(handler, record) for record in caplog.records]
    assert any("138****5678" in line for line in lines)  # the one message that held it
    for line in lines:
        assert "13812345678" not in line and "11010519491231002X" not in line


def test_masking_keeps_other_numbers():
    assert mask_personal("13812345678") == "138****5678"
    assert mask_personal("ticket 202612030001 done") == "ticket 202612030001 done"
    assert mask_personal("id 11010519491231002X.") == "id 110***********002X."
    assert mask_personal("pid 4242, 12 rows") == "pid 4242, 12 rows"
