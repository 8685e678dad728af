import time

from django.core.management.base import BaseCommand

from wuyedesk.core import jobs
from wuyedesk.mailbox import imap
from wuyedesk.mailbox.tasks import mail_poll


class Command(BaseCommand):
    help = "Fetch new mail from the IMAP mailbox into tickets; resend failed outbound mail."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one poll, then exit")
        parser.add_argument("--interval", type=int, default=60)

    def handle(self, *args, once, interval, **options):
        if not imap.configured():
            self.stderr.write("MAIL_IMAP_HOST and MAIL_IMAP_USER are not set: nothing to poll.")
        while True:
            # Under the worker's lock, and recorded on the administrator's page of jobs.
            result = jobs.run_job("mail-poll", mail_poll)
            if result is jobs.SKIPPED:
                self.stdout.write("skipped: another poll is running")
            else:
                self.stdout.write(
                    f"fetched {result.get('fetched', 0)}, stored {result.get('stored', 0)}, "
                    f"duplicates {result.get('skipped', 0)}, resent {result['resent']}"
                )
            if once:
                return
            time.sleep(interval)
