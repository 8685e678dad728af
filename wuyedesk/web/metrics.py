"""GET /system/metrics: WuyeDesk's figures in Prometheus' text format, for the system
administrator (#17 point 5; docs/operations.md, "Observability").

Who may read it: a Prometheus server that sends `Authorization: Bearer <METRICS_TOKEN>` (a
setting; empty turns that door off), or a signed-in system administrator. Anybody else: 401
without credentials (a wrong token too), 403 for anyone signed in without the post. Every
read, allowed or not, counts against the company's `rate_metrics` per client address.

What it holds, and where each figure comes from at the moment of the scrape:
- `wuyedesk_http_requests_total{view,status}` and `wuyedesk_http_request_duration_seconds`
  (core/observability.py): under gunicorn, every worker process of this machine writes its
  values to `PROMETHEUS_MULTIPROC_DIR` and they are added up here (prometheus-client's
  multiprocess mode), so the figures are the machine's, whichever worker answers. Each web
  machine is its own scrape target (Prometheus adds up the machines).
- the task queue, the periodic jobs and the mailbox are read from huey's storage and the
  database at scrape time: every machine answers the same figures for them.
"""

import hmac
import os
import time

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.http import require_GET
from huey.contrib.djhuey import HUEY
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

from wuyedesk.accounts.access import require_post
from wuyedesk.accounts.choices import Post
from wuyedesk.core.jobs import job_statuses
from wuyedesk.core.observability import LATENCY, REQUESTS
from wuyedesk.lib.throttle import throttle
from wuyedesk.mailbox.selectors import last_poll_at
from wuyedesk.properties.services import company_get


def _timestamp(value) -> float:
    return value.timestamp() if value else 0.0


class StateCollector:
    """What the database and the queue say now (the same on every machine)."""

    def collect(self):
        queue = GaugeMetricFamily(
            "wuyedesk_task_queue_length", "Tasks waiting in the huey queue (not yet started)."
        )
        queue.add_metric([], HUEY.pending_count())
        yield queue
        scheduled = GaugeMetricFamily(
            "wuyedesk_task_scheduled", "Tasks waiting for their time (retries, reminders)."
        )
        scheduled.add_metric([], HUEY.scheduled_count())
        yield scheduled

        started = GaugeMetricFamily(
            "wuyedesk_periodic_job_last_started_timestamp_seconds",
            "When each periodic job last started (0: never).",
            labels=["job"],
        )
        finished = GaugeMetricFamily(
            "wuyedesk_periodic_job_last_finished_timestamp_seconds",
            "When each periodic job last finished without an error (0: never).",
            labels=["job"],
        )
        failed = GaugeMetricFamily(
            "wuyedesk_periodic_job_last_failed_timestamp_seconds",
            "When each periodic job last failed (0: never).",
            labels=["job"],
        )
        period = GaugeMetricFamily(
            "wuyedesk_periodic_job_period_seconds", "How often each job runs.", labels=["job"]
        )
        stale = GaugeMetricFamily(
            "wuyedesk_periodic_job_stale",
            "1 when the job has not finished for PERIODIC_JOB_STALE_PERIODS of its periods.",
            labels=["job"],
        )
        for status in job_statuses():
            started.add_metric([status.name], _timestamp(status.last_started_at))
            finished.add_metric([status.name], _timestamp(status.last_finished_at))
            failed.add_metric([status.name], _timestamp(status.last_failed_at))
            period.add_metric([status.name], status.every_seconds)
            stale.add_metric([status.name], int(status.stale))
        yield from (started, finished, failed, period, stale)

        polled = last_poll_at()
        lag = GaugeMetricFamily(
            "wuyedesk_mail_poll_lag_seconds",
            "Seconds since the mailbox was last polled without an error "
            "(+Inf: configured but never polled; absent: no mailbox configured).",
        )
        if polled is not None:
            lag.add_metric([], max(0.0, time.time() - polled.timestamp()))
        elif settings.MAIL_IMAP_HOST and settings.MAIL_IMAP_USER:
            lag.add_metric([], float("inf"))
        yield lag


def registry() -> CollectorRegistry:
    """A registry for one scrape: the request figures of every process of this machine
    (multiprocess mode) or of this process, and the state read now."""
    found = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(found)
    else:
        found.register(REQUESTS)
        found.register(LATENCY)
    found.register(StateCollector())
    return found


def _token_ok(request) -> bool | None:
    """True/False for a bearer token that is/is not the metrics token; None: none sent."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _space, value = header.partition(" ")
    expected = settings.METRICS_TOKEN
    if scheme.lower() != "bearer" or not expected:
        return False
    return hmac.compare_digest(value.strip().encode(), expected.encode())


def _unauthorized() -> HttpResponse:
    response = HttpResponse("401 Unauthorized\n", status=401, content_type="text/plain")
    response["WWW-Authenticate"] = 'Bearer realm="wuyedesk-metrics"'
    return response


@require_GET
def metrics(request):
    throttle(request, group="metrics", rate=company_get().rate_metrics)
    token = _token_ok(request)
    if token is False:
        return _unauthorized()
    if token is None:
        if not request.user.is_authenticated:
            return _unauthorized()
        require_post(request.user, Post.ADMIN)  # 403 for anyone else
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
