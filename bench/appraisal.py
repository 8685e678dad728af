"""Computing a quarter's appraisal for 200 staff (issue #16 speed target: under 30 s on SQLite
and PostgreSQL), in process, over the seeded data of bench/README.md (1,000,000 tickets):

    export WUYEDESK_HOME=/tmp/wd-bench          # or DATABASE_URL=postgres://…
    .venv/bin/python bench/appraisal.py [--people 200] [--runs 2]

It takes the quarter with the most tickets, the `--people` staff owning the most tickets in
it, opens a cycle for that quarter with the settings in force and times
`appraisal.services.cycles.compute` (the worker job's body: a few grouped queries per
criterion for each batch of people, the records behind each score and the appraisals
written) `--runs` times; then it times opening the appraisal with the most records (the
page's selector and template, as the person sees it published) and opening its row with the
most records (the list htmx fetches when the row is opened). Everything it writes is
rolled back. Prints one JSON line.
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


def measure(people: int, runs: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuyedesk.settings")
    import django

    django.setup()
    from django.conf import settings as django_settings
    from django.db import transaction
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from wuyedesk.accounts.models import User
    from wuyedesk.appraisal.choices import Status
    from wuyedesk.appraisal.models import Appraisal, Cycle, Item
    from wuyedesk.appraisal.services.cycles import compute, quarter_bounds, quarter_of
    from wuyedesk.policies.services import policy
    from wuyedesk.supervision.services.inspections import day_bounds
    from wuyedesk.tickets.models import Ticket

    first = Ticket.objects.order_by("created_at").values_list("created_at", flat=True).first()
    if first is None:
        raise SystemExit("no tickets: seed the bench data first (bench/README.md)")
    last = Ticket.objects.order_by("-created_at").values_list("created_at", flat=True).first()
    quarters = {quarter_of(first.date()), quarter_of(last.date())}
    counted = []
    for year, quarter in sorted(quarters):
        low, high = day_bounds(*quarter_bounds(year, quarter))
        n = Ticket.objects.filter(created_at__gte=low, created_at__lt=high).count()
        counted.append((n, year, quarter, low, high))
    n_tickets, year, quarter, low, high = max(counted)
    owners = list(
        Ticket.objects.filter(created_at__gte=low, created_at__lt=high, owner__isnull=False)
        .values("owner_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("owner_id", flat=True)[:people]
    )
    start, end = quarter_bounds(year, quarter)
    settings = policy()
    timings, made, page_ms, items, row_ms, biggest_row = [], 0, [], 0, [], 0
    try:
        with transaction.atomic():
            for _run in range(runs):
                Cycle.objects.filter(year=year, quarter=quarter).delete()
                cycle = Cycle.objects.create(
                    year=year,
                    quarter=quarter,
                    start=start,
                    end=end,
                    settings=settings,
                    weights=settings.appraisal_weights(),
                    progress_total=len(owners),
                )
                began = time.perf_counter()
                made = compute(cycle, User.objects.filter(pk__in=owners))
                timings.append(time.perf_counter() - began)
            biggest = (
                Appraisal.objects.filter(cycle=cycle)
                .annotate(n=Count("items"))
                .order_by("-n")
                .first()
            )
            items = biggest.n
            Appraisal.objects.filter(pk=biggest.pk).update(status=Status.PUBLISHED)
            # The page without a collectstatic run: plain static storage, the test host.
            django_settings.ALLOWED_HOSTS = [*django_settings.ALLOWED_HOSTS, "testserver"]
            django_settings.STORAGES = {
                **django_settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
            client = Client()
            client.force_login(biggest.person, backend="wuyedesk.accounts.backends.StaffBackend")
            url = reverse("appraisal:appraisal", args=[biggest.pk])
            client.get(url)
            for _ in range(20):
                began = time.perf_counter()
                response = client.get(url)
                page_ms.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200, response.status_code
            # The row with the most records, opened (the list htmx fetches into it).
            row = Item.objects.filter(appraisal=biggest).order_by("-count").first()
            rows_url = reverse("appraisal:records", args=[biggest.pk, row.pk])
            biggest_row = row.count
            for _ in range(20):
                began = time.perf_counter()
                response = client.get(rows_url, headers={"HX-Request": "true"})
                row_ms.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200, response.status_code
            raise Rollback
    except Rollback:
        pass
    page_ms.sort()
    row_ms.sort()
    return {
        "target": "appraisal: compute a quarter",
        "quarter": f"{year}Q{quarter}",
        "tickets_in_quarter": n_tickets,
        "people": len(owners),
        "appraisals": made,
        "best_s": round(min(timings), 3),
        "worst_s": round(max(timings), 3),
        "largest_appraisal_rows": items,
        "page_p95_ms": round(page_ms[int(len(page_ms) * 0.95) - 1], 1),
        "largest_row_records": biggest_row,
        "row_records_p95_ms": round(row_ms[int(len(row_ms) * 0.95) - 1], 1),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    print(json.dumps(measure(args.people, args.runs)))


if __name__ == "__main__":
    main()
