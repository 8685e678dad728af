import importlib
import importlib.util
import time

from django.core.management.base import BaseCommand, CommandError

from wuyedesk.accounts.models import User
from wuyedesk.policies.seeding import seed_regulation
from wuyedesk.properties import seeding
from wuyedesk.tickets import seeding as ticket_seeding

# Apps whose `seeding.seed_demo(*, seed) -> dict` adds their demo data after the tickets, in
# this order (surveys answer for households, improvement items come from survey findings;
# the appraisal reads attendance, inspections and training, rewards propose from it).
DEMO_EXTRAS = (
    "wuyedesk.channels",
    "wuyedesk.telephony",
    "wuyedesk.mailbox",
    "wuyedesk.surveys",
    "wuyedesk.improvements",
    "wuyedesk.dataquality",
    "wuyedesk.archive",
    "wuyedesk.supervision",
    "wuyedesk.workplans",
    "wuyedesk.meetings",
    "wuyedesk.staffing",
    "wuyedesk.training",
    "wuyedesk.appraisal",
    "wuyedesk.rewards",
    "wuyedesk.recruitment",
)


class Command(BaseCommand):
    help = "Fill an empty database with a deterministic, realistic demo company."

    def add_arguments(self, parser):
        parser.add_argument("--communities", type=int, default=3)
        parser.add_argument("--households", type=int, default=900)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--tickets", type=int, default=0, help="demo tickets to add")

    def handle(self, *args, communities, households, seed, tickets, **options):
        if communities < 1 or households < communities:
            raise CommandError("need at least one community and one household per community")
        started = time.perf_counter()
        try:
            counts = seeding.seed(communities=communities, households=households, seed=seed)
            ticket_seeding.seed_reference(by=User.objects.get(username=seeding.DEMO_ADMIN))
            counts.update(seed_regulation())
            if tickets:
                counts["tickets"] = ticket_seeding.seed_tickets(count=tickets, seed=seed)
                for app in DEMO_EXTRAS:
                    if importlib.util.find_spec(f"{app}.seeding") is not None:
                        module = importlib.import_module(f"{app}.seeding")
                        counts.update(module.seed_demo(seed=seed))
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{k} {v}" for k, v in counts.items())
        self.stdout.write(f"seeded in {elapsed:.1f}s: {summary}")
