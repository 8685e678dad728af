"""Sampling a month's inspection plan for 200 staff (issue #15 speed target: under 5 s), in
process, over the seeded data of bench/README.md (1,000,000 tickets):

    export WUYEDESK_HOME=/tmp/wd-bench          # or DATABASE_URL=postgres://…
    .venv/bin/python bench/supervision.py [--people 200] [--tickets 5] [--calls 3] [--runs 3]

It takes the month with the most tickets, the `--people` staff owning the most tickets in
it, a checklist for each of their posts, and times `supervision.services.sampling.sample`
(the worker job's body: the candidates of every person, the seeded order, the inspections
written) `--runs` times. Everything it writes is rolled back. Prints one JSON line.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class Rollback(Exception):
    pass


def measure(people: int, tickets: int, calls: int, runs: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuyedesk.settings")
    import django

    django.setup()
    from django.db import transaction
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    from wuyedesk.accounts.choices import Post
    from wuyedesk.accounts.models import User
    from wuyedesk.supervision.choices import PlanStatus
    from wuyedesk.supervision.models import Checklist, Plan
    from wuyedesk.supervision.services.group import checklist_save
    from wuyedesk.supervision.services.sampling import sample
    from wuyedesk.tickets.models import Ticket

    busiest = (
        Ticket.objects.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if busiest is None:
        raise SystemExit("no tickets: seed the bench data first (bench/README.md)")
    month = busiest["month"].date().replace(day=1)
    owners = list(
        Ticket.objects.filter(
            created_at__year=month.year, created_at__month=month.month, owner__isnull=False
        )
        .values("owner_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("owner_id", flat=True)[:people]
    )
    admin = User.objects.filter(staff__posts__post=Post.MANAGER).first()
    timings, made = [], 0
    try:
        with transaction.atomic():
            for post in Post.values:
                if not Checklist.objects.filter(post=post).exists():
                    checklist_save(
                        by=admin,
                        post=post,
                        title="bench",
                        items=[{"code": "B1", "text": "bench", "weight": 100}],
                    )
            for run in range(runs):
                plan = Plan.objects.create(
                    month=month,
                    seed=run,
                    tickets_per_person=tickets,
                    calls_per_person=calls,
                    created_by=admin,
                    status=PlanStatus.SAMPLING,
                    progress_total=len(owners),
                )
                plan.people.set(owners)
                started = time.perf_counter()
                made = sample(plan)
                timings.append(time.perf_counter() - started)
            raise Rollback
    except Rollback:
        pass
    return {
        "target": "supervision: sample a month's plan",
        "month": month.strftime("%Y-%m"),
        "tickets_in_month": busiest["n"],
        "people": len(owners),
        "inspections": made,
        "best_s": round(min(timings), 3),
        "worst_s": round(max(timings), 3),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--tickets", type=int, default=5)
    parser.add_argument("--calls", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(measure(args.people, args.tickets, args.calls, args.runs)))


if __name__ == "__main__":
    main()
