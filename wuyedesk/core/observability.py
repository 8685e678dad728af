"""Request ids and request metrics (#17 point 5; docs/operations.md, "Observability").

**Request id.** `RequestIdMiddleware` (first in MIDDLEWARE) gives every request an id: the
`X-Request-ID` of the proxy in front (only when `PROXY_COUNT` says one stands there, and only
when it is well formed, lib/logcontext.py), otherwise a new one; it is held for the request's
thread, written on every log record (`request_id`) and returned in the `X-Request-ID` header.
A huey task enqueued while a request (or another task) runs carries the id in its message
and runs under it: `connect_huey` hooks huey's enqueue signal and its pre- and post-execute
hooks, and the task logs one line when it starts with the id of the request that asked for
it. A task enqueued by the scheduler runs under its own task id.

**Request metrics.** `MetricsMiddleware` counts every request by view and status class and
observes its latency, in prometheus-client's `Counter` and `Histogram`. Under gunicorn
several processes serve requests: `wuyedesk serve` points `PROMETHEUS_MULTIPROC_DIR` at a
directory of this machine, each process writes its values there, and the metrics endpoint
(web/metrics.py) adds them up (prometheus-client's multiprocess mode). Without that variable
(`runserver`, the tests) the values are the process's own.
"""

import logging
import time

from django.conf import settings
from huey import signals as huey_signals
from huey.contrib.djhuey import HUEY
from prometheus_client import Counter, Histogram

from wuyedesk.lib.logcontext import new_request_id, request_id_var, valid_request_id

log = logging.getLogger(__name__)

HEADER = "X-Request-ID"
_META = "HTTP_X_REQUEST_ID"
TASK_KWARG = "_wuyedesk_request_id"

# Not in prometheus-client's default registry: the endpoint builds its own per scrape.
REQUESTS = Counter(
    "wuyedesk_http_requests",
    "HTTP requests answered, by view and status class.",
    ["view", "status"],
    registry=None,
)
LATENCY = Histogram(
    "wuyedesk_http_request_duration_seconds",
    "Time from the first middleware to the response, by view.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=None,
)


def request_id_from(request) -> str:
    """The proxy's id when a trusted proxy stands in front and the id is well formed."""
    offered = request.META.get(_META, "")
    if settings.PROXY_COUNT > 0 and valid_request_id(offered):
        return offered
    return new_request_id()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request)
        token = request_id_var.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[HEADER] = request.request_id
        return response


def view_label(request) -> str:
    """The view's URL name (a bounded set), never the path (which may hold ids)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "none"
    return match.view_name or match.route or "none"


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        view = view_label(request)
        REQUESTS.labels(view=view, status=f"{response.status_code // 100}xx").inc()
        LATENCY.labels(view=view).observe(time.perf_counter() - started)
        return response


# --- huey ---------------------------------------------------------------------------------


def _enqueued(signal, task, *args, **kwargs) -> None:
    """The enqueuing request's (or task's) id goes into the task's message."""
    request_id = request_id_var.get()
    if request_id and task.kwargs is not None and TASK_KWARG not in task.kwargs:
        task.kwargs[TASK_KWARG] = request_id


def _pre_execute(task) -> None:
    carried = task.kwargs.pop(TASK_KWARG, None) if task.kwargs else None
    task._wuyedesk_request = (carried, request_id_var.set(carried or task.id))
    if carried:
        log.info("task %s started for request %s", task.name, carried)


def _post_execute(task, value, exception) -> None:
    carried, token = getattr(task, "_wuyedesk_request", (None, None))
    if token is None:
        return
    task._wuyedesk_request = (None, None)
    request_id_var.reset(token)
    if carried and exception is not None:
        task.kwargs[TASK_KWARG] = carried  # a retry runs under the same request id


_connected = []


def connect_huey() -> None:
    """Once per process (core/apps.py): ids travel with the tasks."""
    if _connected:
        return
    _connected.append(True)
    HUEY.signal(huey_signals.SIGNAL_ENQUEUED)(_enqueued)
    HUEY.pre_execute("wuyedesk-request-id")(_pre_execute)
    HUEY.post_execute("wuyedesk-request-id")(_post_execute)
