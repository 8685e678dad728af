"""Survey jobs: the quarter's campaign, invitation mail, reminders, closing expired rounds.
Each claims its work with a conditional update or a unique key, so two workers never act twice."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from wuyedesk.surveys import services


@db_task()
def send_invitations_task(campaign_id: int):
    return services.send_invitations(campaign_id)


@db_periodic_task(crontab(minute="5", hour="*"))
@lock_task("survey-campaign")
def survey_campaign_task():
    """Hourly: at a period's start (per survey_every_months) its campaign is created once."""
    return services.campaign_auto_create()


@db_periodic_task(crontab(minute="20", hour="*"))
@lock_task("survey-reminders")
def survey_reminder_task():
    """Hourly: close expired campaigns, retry unsent invitations, send due reminders."""
    services.close_expired()
    services.send_pending_invitations()
    return services.send_reminders()
