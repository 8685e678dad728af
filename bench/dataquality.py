"""Time the data-quality worklist (issue #15 point 7) on a seeded database, in-process.

    WUYEDESK_HOME=/path/to/seeded/home .venv/bin/python bench/dataquality.py [--runs 3]

(or DATABASE_URL=postgres://… for PostgreSQL). Uses whatever the database holds (see
bench/README.md for the 200,000-resident, 1,000,000-ticket seed); it only reads, except the
daily snapshot, which replaces today's rows of its own table. Prints, best of --runs, the
seconds of: every kind's count for a manager who sees all communities and for an assistant
of one community (the home's figures and the worklist page), the first page of each kind,
and the daily snapshot (every kind grouped by community).
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuyedesk.settings")


def best(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.db import connection

    from wuyedesk.accounts.choices import Post
    from wuyedesk.accounts.models import User
    from wuyedesk.dataquality import selectors, services
    from wuyedesk.dataquality.choices import Problem
    from wuyedesk.properties.models import Resident
    from wuyedesk.tickets.models import Ticket

    def person(post, *, everywhere):
        people = User.objects.filter(staff__posts__post=post, is_active=True)
        for user in people.order_by("staff__employee_no"):
            if (selectors.community_ids(user) is None) == everywhere:
                return user
        return None

    manager = person(Post.MANAGER, everywhere=True) or person(Post.MANAGER, everywhere=False)
    assistant = person(Post.ASSISTANT, everywhere=False)
    print(
        f"{connection.vendor}: {Resident.objects.count():,} residents, "
        f"{Ticket.objects.count():,} tickets"
    )
    for label, user in (("manager (all communities)", manager), ("assistant (one)", assistant)):
        if user is None:
            continue
        counts = selectors.problem_counts(user)
        seconds = best(lambda u=user: selectors.problem_counts(u), args.runs)
        print(f"counts, {label}: {seconds:.3f} s  {counts}")
        for kind in Problem.values:
            seconds = best(lambda u=user, k=kind: list(selectors.rows_of(u, k)[:50]), args.runs)
            print(f"  first page of {kind}: {seconds:.3f} s")
    print(f"daily snapshot: {best(services.snapshot_take, args.runs):.3f} s")


if __name__ == "__main__":
    main()
