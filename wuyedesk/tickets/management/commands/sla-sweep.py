import time

from django.core.management.base import BaseCommand

from wuyedesk.core import jobs
from wuyedesk.tickets import sla


class Command(BaseCommand):
    help = "Mark due-soon and overdue tickets and send reminders and escalations."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one sweep, then exit")
        parser.add_argument("--interval", type=int, default=60)

    def handle(self, *args, once, interval, **options):
        while True:
            # Under the worker's lock, and recorded on the administrator's page of jobs.
            result = jobs.run_job("sla-sweep", sla.sweep)
            if result is jobs.SKIPPED:
                self.stdout.write("skipped: another sweep is running")
            else:
                self.stdout.write(f"reminded {result['reminded']}, overdue {result['overdue']}")
            if once:
                return
            time.sleep(interval)
