"""GET /system/metrics (#17 point 5): who may read it, its format, and what it counts
(web/metrics.py, core/observability.py)."""

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from wuyedesk.core import jobs
from wuyedesk.mailbox.models import MailboxState

URL = "/system/metrics"
TOKEN = "metrics-token-0123456789abcdef"


def families(response) -> dict:
    assert response["Content-Type"].startswith("text/plain; version=")
    return {f.name: f for f in text_string_to_metric_families(response.content.decode())}


def sample(found: dict, family: str, name: str, **labels) -> float:
    for s in found[family].samples:
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
            return s.value
    return 0.0


def test_anonymous_and_a_wrong_token_get_401(world, client, settings):
    settings.METRICS_TOKEN = TOKEN
    response = client.get(URL)
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    assert client.get(URL, HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get(URL, HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 401
    settings.METRICS_TOKEN = ""  # no token configured: no token opens it
    assert client.get(URL, HTTP_AUTHORIZATION="Bearer ").status_code == 401


@pytest.mark.parametrize("persona", ["manager", "executive", "specialist", "resident"])
def test_staff_without_the_administrators_post_get_403(world, client, persona):
    client.force_login(world.users[persona])
    assert client.get(URL).status_code == 403


def test_the_administrator_and_the_token_read_it(world, client, client_as, settings):
    settings.METRICS_TOKEN = TOKEN
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    response = client_as(world.admin).get(URL)
    assert response.status_code == 200
    assert "wuyedesk_http_requests" in families(response)


def test_reads_are_rate_limited_by_the_company_setting(world, client, settings):
    from wuyedesk.properties.models import Company

    Company.objects.filter(pk=1).update(rate_metrics="2/m")
    settings.METRICS_TOKEN = TOKEN
    answers = [client.get(URL, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    # Wrong tokens count too, so guessing is as slow.
    assert client.get(URL, HTTP_AUTHORIZATION="Bearer guess").status_code == 429


def test_requests_are_counted_by_view_and_status_class_and_timed(world, client_as):
    admin = client_as(world.admin)
    before = families(admin.get(URL))
    for _ in range(3):
        admin.get("/healthz")
    admin.get("/tickets/999999999/")
    after = families(admin.get(URL))
    name = "wuyedesk_http_requests_total"
    fam = "wuyedesk_http_requests"
    ok = {"view": "healthz", "status": "2xx"}
    assert sample(after, fam, name, **ok) - sample(before, fam, name, **ok) == 3
    missing = [s for s in after[fam].samples if s.labels["status"] == "4xx"]
    assert missing and all("999999999" not in s.labels["view"] for s in missing)
    hist = "wuyedesk_http_request_duration_seconds"
    assert after[hist].type == "histogram"
    count = sample(after, hist, hist + "_count", view="healthz")
    assert count - sample(before, hist, hist + "_count", view="healthz") == 3
    assert sample(after, hist, hist + "_bucket", view="healthz", le="+Inf") == count


def test_queue_jobs_and_mail_poll_lag_are_read_at_scrape_time(world, client_as, settings):
    settings.MAIL_IMAP_HOST = "imap.example.com"
    settings.MAIL_IMAP_USER = "kefu"
    admin = client_as(world.admin)
    found = families(admin.get(URL))
    assert found["wuyedesk_mail_poll_lag_seconds"].samples[0].value == float("inf")
    assert sample(found, "wuyedesk_task_queue_length", "wuyedesk_task_queue_length") == 0

    jobs.run_job("sla-sweep", lambda: None)
    from wuyedesk.mailbox import imap

    MailboxState.objects.create(
        mailbox=imap.mailbox_key(), polled_at=timezone.now() - dt.timedelta(seconds=120)
    )
    found = families(admin.get(URL))
    finished = sample(
        found,
        "wuyedesk_periodic_job_last_finished_timestamp_seconds",
        "wuyedesk_periodic_job_last_finished_timestamp_seconds",
        job="sla-sweep",
    )
    assert abs(finished - timezone.now().timestamp()) < 600
    stale = {s.labels["job"]: s.value for s in found["wuyedesk_periodic_job_stale"].samples}
    assert stale["sla-sweep"] == 0 and stale["mail-poll"] == 1
    lag = found["wuyedesk_mail_poll_lag_seconds"].samples[0].value
    assert 120 <= lag < 600

    settings.MAIL_IMAP_HOST = ""  # no mailbox: no lag to report
    assert not families(admin.get(URL))["wuyedesk_mail_poll_lag_seconds"].samples


CHILD = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuyedesk.test_settings")
django.setup()
from django.test import RequestFactory
from django.http import HttpResponse
from wuyedesk.core.observability import MetricsMiddleware
middleware = MetricsMiddleware(lambda request: HttpResponse(status=404))
for _ in range({n}):
    middleware(RequestFactory().get("/nowhere"))
"""


def test_the_processes_of_a_machine_are_added_up(world, client_as, tmp_path, monkeypatch):
    """Under gunicorn each worker process writes its counts to PROMETHEUS_MULTIPROC_DIR;
    whichever process answers the scrape reports the sum of all of them."""
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for n in (2, 5):  # two worker processes, one after the other (one may have died)
        subprocess.run(  # noqa: S603  (our own interpreter and code)
            [sys.executable, "-c", CHILD.format(n=n)],
            env={**os.environ, **env},
            check=True,
            timeout=120,
        )
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    found = families(client_as(world.admin).get(URL))
    fam = "wuyedesk_http_requests"
    assert sample(found, fam, fam + "_total", view="none", status="4xx") == 7
    assert "wuyedesk_task_queue_length" in found  # the state is still read at scrape time
