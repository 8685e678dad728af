"""Service-desk benchmark (issue #3): queue pages, ticket list API, search, creation, sweep;
and (issue #12) the ticket page, each post's home, the global search and the portal's
ticket page.

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


def login(username, password, *, path="/login/", field="username"):
    response, page = request("GET", path)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.decode()).group(1)
    cookie = response.getheader("Set-Cookie").split(";")[0]
    body = urlencode({field: username, "password": password, "csrfmiddlewaretoken": csrf})
    response, _ = request(
        "POST",
        path,
        body,
        {
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": BASE + path,
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


# The complaint of the ticket page's "long timeline" target: found by its title, made once.
LONG_TITLE = "基准测试:长时间线投诉"
LONG_EVENTS = 60


def page_targets():
    """The tickets of issue #12's page targets, made through the services in-process before
    the server starts: a complaint with a long timeline (LONG_EVENTS notes and messages, made
    once), a fresh inquiry (made at each run), and the portal resident's newest ticket."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuyedesk.settings")
    import django

    django.setup()
    from wuyedesk.accounts.models import User
    from wuyedesk.tickets import services
    from wuyedesk.tickets.models import Ticket

    manager = User.objects.get(username="manager")
    sample = Ticket.objects.filter(kind="complaint", room__isnull=False).order_by("-id").first()
    made = {"kind": "complaint", "channel": "phone", "category": sample.category}
    where = {"room": sample.room, "resident": sample.resident}
    long = Ticket.objects.filter(title=LONG_TITLE).first()
    if long is None:
        long = services.ticket_create(
            by=manager, **made, **where, title=LONG_TITLE, description="楼上漏水,多次沟通。"
        )
        for n in range(LONG_EVENTS // 2):
            services.ticket_comment(by=manager, ticket=long, text=f"内部备注 {n}:已联系工程部。")
            services.ticket_comment(
                by=manager, ticket=long, text=f"给业主的消息 {n}:师傅今天下午上门。", public=True
            )
    fresh = services.ticket_create(
        by=manager,
        **{**made, "kind": "inquiry"},
        **where,
        title="基准测试:新咨询",
        description="物业费怎么交?",
    )
    resident = User.objects.filter(kind="resident").select_related("resident").first()
    theirs = Ticket.objects.filter(resident=resident.resident).order_by("-id").first()
    return {
        "long": long.pk,
        "fresh": fresh.pk,
        "fresh_number": fresh.number,
        "phone": resident.resident.phone,
        "portal_ticket": theirs.pk if theirs else None,
    }


def forget_made(fresh: int, *, after: int) -> int:
    """Delete what this run made (its fresh inquiry, the creation target's "bench …" tickets),
    so that runs do not pile tickets on the newest end of the data, where every list and
    search starts reading: 25,000 of them changed the text search's plan (session 12)."""
    from django.db import connections

    from wuyedesk.tickets.models import Ticket

    made = Ticket.objects.filter(pk=fresh) | Ticket.objects.filter(
        pk__gt=after, title__startswith="bench "
    )
    deleted = made.delete()[1].get("tickets.Ticket", 0)
    connections.close_all()
    return deleted


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
        "--only",
        help="run only the targets whose label contains one of these comma-separated texts "
        "(e.g. 'queue' or 'ticket page,home'), and the floor",
    )
    args = parser.parse_args()
    only = [text for text in (args.only or "").split(",") if text]

    def wanted(label: str) -> bool:
        return not only or label.startswith("floor") or any(text in label for text in only)

    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING"}
    pages = page_targets()
    from django.db import connections

    import wuyedesk

    connections.close_all()
    # The server runs the code this process imported (PYTHONPATH picks a checkout to measure):
    # `python -m` puts its working directory first on the import path, so it starts in the
    # directory holding that code, not wherever the bench was started (a checkout of other
    # code there would be measured instead).
    code = str(Path(wuyedesk.__file__).resolve().parents[1])
    subprocess.run(
        [sys.executable, "-m", "wuyedesk.cli", "collectstatic", "--noinput", "-v0"],
        env=env,
        cwd=code,
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
        cwd=code,
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
            # Issue #12: the ticket page, each post's home, global search, the portal.
            (
                f"ticket page: complaint, {LONG_EVENTS} events",
                f"/tickets/{pages['long']}/",
                manager,
            ),
            ("ticket page: fresh inquiry", f"/tickets/{pages['fresh']}/", manager),
            *(
                (f"home: {name}", "/", login(name, args.password))
                for name in (
                    "manager",
                    "kf0001",
                    "assistant",
                    "engineer",
                    "supervisor",
                    "executive",
                )
            ),
            ("global search 漏水", f"/search/?{q}", manager),
            ("global search by number", f"/search/?q={pages['fresh_number']}", manager),
        ]
        if pages["portal_ticket"]:
            resident = login(pages["phone"], args.password, path="/portal/login/", field="mobile")
            targets.append(
                ("portal ticket page", f"/portal/tickets/{pages['portal_ticket']}/", resident)
            )
        results = []
        for label, path, headers in targets:
            if not wanted(label):
                continue
            result = run(
                BASE + path, concurrency=args.concurrency, seconds=args.seconds, headers=headers
            )
            result["target"] = label
            if label.startswith("floor"):
                result["code"] = code
            results.append(result)
            print(json.dumps(result, ensure_ascii=False), flush=True)
        if not wanted("create ticket API"):
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
        forget_made(pages["fresh"], after=pages["fresh"])
    if not only or any(text in "sla sweep" for text in only):
        print(json.dumps(sweep_timing(), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
