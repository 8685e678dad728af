"""Survey jobs: the quarter's campaign, invitation mail, reminders, closing expired rounds.
Each claims its work with a conditional update or a unique key, so two workers never act twice."""

from django.utils.translation import gettext_lazy as _
from huey import crontab
from huey.contrib.djhuey import db_task

from wuyedesk.core.jobs import HOUR, periodic_job
from wuyedesk.surveys import services


@db_task()
def send_invitations_task(campaign_id: int):
    return services.send_invitations(campaign_id)


@periodic_job(
    "survey-campaign", crontab(minute="5", hour="*"), every=HOUR, label=_("满意度调查发起")
)
def survey_campaign_task():
    """Hourly: at a period's start (per survey_every_months) its campaign is created once."""
    return services.campaign_auto_create()


@periodic_job(
    "survey-reminders", crontab(minute="20", hour="*"), every=HOUR, label=_("满意度调查提醒")
)
def survey_reminder_task():
    """Hourly: close expired campaigns, retry unsent invitations, send due reminders."""
    services.close_expired()
    services.send_pending_invitations()
    return services.send_reminders()
