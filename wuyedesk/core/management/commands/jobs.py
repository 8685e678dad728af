from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from wuyedesk.core import jobs


def _at(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else "-"


class Command(BaseCommand):
    help = (
        "When each periodic job last started, finished and failed; exits with status 1 when "
        "any job has not finished for PERIODIC_JOB_STALE_PERIODS periods (for monitoring)."
    )

    def handle(self, *args, **options):
        statuses = jobs.job_statuses()
        self.stdout.write(f"{'job':<20} {'last finished':<20} {'last started':<20} state")
        for status in statuses:
            state = "STALE" if status.stale else "ok"
            if status.running:
                state += f", running ({status.locked_by})"
            if status.last_failed_at:
                state += f", failed {_at(status.last_failed_at)} {status.last_error}"
            self.stdout.write(
                f"{status.name:<20} {_at(status.last_finished_at):<20} "
                f"{_at(status.last_started_at):<20} {state}"
            )
        stale = [status.name for status in statuses if status.stale]
        if stale:
            raise CommandError(f"stale periodic jobs: {', '.join(stale)}")
