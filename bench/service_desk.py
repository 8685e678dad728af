"""Service-desk benchmark (issue #3): queue pages, ticket list API, search, creation, sweep.

Seed once (takes a while for 1,000,000 tickets), then run as often as needed:

    export WUYEDESK_HOME=/tmp/wd-bench          # or DATABASE_URL=postgres://…
    .venv/bin/wuyedesk migrate
    .venv/bin/wuyedesk seed --communities 200 --households 124000 --tickets 1000000
    .venv/bin/python bench/service_desk.py --seconds 15

It starts gunicorn (2 sync workers, as `wuyedesk serve` runs it) on 127.0.0.1, logs in as
the manager and a specialist, drives each target with 8 concurrent clients (bench/load.py)
and prints one JSON line per target, the bare /healthz view first as the framework's floor.
"""

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).parent))
from load import run

PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"


def request(method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response, data


def login(username, password):
    response, page = request("GET", "/login/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.decode()).group(1)
    cookie = response.getheader("Set-Cookie").split(";")[0]
    body = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": csrf})
    response, _ = request(
        "POST",
        "/login/",
        body,
        {
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": BASE + "/login/",
        },
    )
    cookies = [c.split(";")[0] for c in response.headers.get_all("Set-Cookie") or []]
    session = next(c for c in cookies if c.startswith("sessionid="))
    return {"Cookie": session}


def token(username, password):
    _response, data = request(
        "POST",
        "/api/v1/auth/token",
        json.dumps({"username": username, "password": password}),
        {"Content-Type": "application/json"},
    )
    return {"Authorization": "Bearer " + json.loads(data)["token"]}


def wait_up():
    for _ in range(100):
        try:
            request("GET", "/healthz")
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start")


def sweep_timing():
    """The steady-state sweep (what runs every minute) over the open tickets, in-process."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuyedesk.settings")
    import django

    django.setup()
    from wuyedesk.tickets import sla
    from wuyedesk.tickets.models import Ticket

    open_count = Ticket.objects.filter(closed_at__isnull=True).count()
    sla.sweep()  # the first run may claim what became due since seeding
    timings = []
    for _ in range(5):
        t0 = time.perf_counter()
        sla.sweep()
        timings.append(time.perf_counter() - t0)
    return {
        "target": "sla sweep",
        "open_tickets": open_count,
        "best_ms": round(min(timings) * 1000, 1),
        "worst_ms": round(max(timings) * 1000, 1),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--password", default="Demo-2026")
    parser.add_argument(
        "--threads", type=int, default=1, help="gunicorn threads per worker (1: `wuyedesk serve`)"
    )
    parser.add_argument(
        "--keep-alive", type=int, default=2, help="gunicorn keep-alive seconds (0: off)"
    )
    parser.add_argument(
        "--only", help="run only the targets whose label contains this text (e.g. 'queue')"
    )
    args = parser.parse_args()
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING"}
    subprocess.run(
        [sys.executable, "-m", "wuyedesk.cli", "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "wuyedesk.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--threads",
            str(args.threads),
            "--keep-alive",
            str(args.keep_alive),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    try:
        wait_up()
        manager = login("manager", args.password)
        specialist = login("kf0001", args.password)
        api = {**token("manager", args.password), "Content-Type": "application/json"}
        q = urlencode({"q": "漏水"})
        targets = [
            ("floor: bare view /healthz", "/healthz", {}),
            ("queue page: team (manager)", "/tickets/?queue=team", manager),
            ("queue page: overdue (manager)", "/tickets/?queue=overdue", manager),
            ("queue page: mine (specialist)", "/tickets/?queue=mine", specialist),
            ("ticket list API", "/api/v1/tickets?limit=50", api),
            ("search page 漏水", f"/tickets/?queue=all&{q}", manager),
            ("search API 漏水", f"/api/v1/tickets?{q}", api),
        ]
        results = []
        for label, path, headers in targets:
            if args.only and args.only not in label:
                continue
            result = run(
                BASE + path, concurrency=args.concurrency, seconds=args.seconds, headers=headers
            )
            result["target"] = label
            results.append(result)
            print(json.dumps(result, ensure_ascii=False), flush=True)
        if args.only and args.only not in "create ticket API":
            return
        _, data = request("GET", "/api/v1/tickets?limit=1", headers=api)
        sample = json.loads(data)["items"][0]
        body = {
            "kind": "inquiry",
            "channel": "api",
            "category": sample["category"]["id"]
            if isinstance(sample.get("category"), dict)
            else sample.get("category_id"),
            "room": sample.get("room_id") or (sample.get("room") or {}).get("id"),
            "description": "基准测试:楼道灯不亮",
        }

        def new_ticket(index, n):
            return json.dumps({**body, "title": f"bench {uuid.uuid4().hex[:8]}"})

        result = run(
            BASE + "/api/v1/tickets",
            concurrency=args.concurrency,
            seconds=args.seconds,
            headers=api,
            method="POST",
            body_factory=new_ticket,
        )
        result["target"] = "create ticket API"
        print(json.dumps(result, ensure_ascii=False), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=20)
    if not args.only or args.only in "sla sweep":
        print(json.dumps(sweep_timing(), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
