"""Work report benchmark (issue #15, AST-2): draft a monthly work report over the
1,000,000-ticket data of bench/README.md, as the worker does, section by section.

    export WUYEDESK_HOME=/tmp/wd-bench          # or DATABASE_URL=postgres://…
    .venv/bin/python bench/work_report.py                 # the last full month of the data
    .venv/bin/python bench/work_report.py --month 2026-10 --community 1 --runs 3

In-process and read-only (`workplans.drafting.draft`, what `services.reports.run_draft`
stores): it drafts the company's report as the company-wide manager (the demo `manager`,
all 200 communities), or one community's with --community, and prints one JSON line per
run with the time of each section and the whole draft. The target (issue #15): under 5 s.
"""

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--month", help="YYYY-MM (default: the month before the newest ticket's)")
    parser.add_argument("--community", type=int, help="a community id (default: the company)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuyedesk.settings")
    import django

    django.setup()
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone

    from wuyedesk.reports import metrics
    from wuyedesk.tickets.models import Ticket
    from wuyedesk.workplans import drafting, periods
    from wuyedesk.workplans.services.reports import company_drafter

    user = company_drafter()
    if user is None:
        sys.exit("no company-wide manager: seed the bench data first (bench/README.md)")
    if args.month:
        day = dt.date.fromisoformat(f"{args.month}-01")
    else:
        newest = Ticket.objects.order_by("-contact_at").values_list("contact_at", flat=True)[0]
        day = periods.previous(periods.MONTH, timezone.localtime(newest).date())[0]
    start, end = periods.bounds(periods.MONTH, day)
    scope = metrics.Scope(start=start, end=end, community_id=args.community)
    tickets = metrics.scoped_tickets(user, scope).count()
    reverse("dashboard")  # load the URL configuration once, as a running worker has
    for run in range(1, args.runs + 1):
        times = {}
        for key, compute in drafting.STEPS:
            t0 = time.perf_counter()
            compute(user, scope)
            times[key] = round((time.perf_counter() - t0) * 1000, 1)
        print(
            json.dumps(
                {
                    "target": "monthly work report",
                    "database": connection.vendor,
                    "month": f"{start:%Y-%m}",
                    "community": args.community,
                    "tickets_in_month": tickets,
                    "run": run,
                    "total_ms": round(sum(times.values()), 1),
                    "sections_ms": times,
                },
                ensure_ascii=False,
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
