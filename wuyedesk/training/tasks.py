from django.utils.translation import gettext_lazy as _
from huey import crontab

from wuyedesk.core.jobs import HOUR, periodic_job
from wuyedesk.training.services import reminders


@periodic_job(
    "training-reminders",
    crontab(minute="41", hour="7"),
    every=24 * HOUR,
    label=_("必修培训到期提醒"),
)
def training_reminders_task():
    """Daily at 07:41: tell each person of their mandatory trainings due (services/reminders.py;
    each notice once per key, so a second run tells nobody twice)."""
    return reminders.remind_due()
