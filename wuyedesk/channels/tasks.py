"""Portal jobs: announcements due, unverified sign-ups purged. The tasks a service queues
(announcement_send_task, signup_attempt_notice_task) are defined beside their services."""

from django.utils.translation import gettext_lazy as _
from huey import crontab

from wuyedesk.channels import services
from wuyedesk.core.jobs import HOUR, MINUTE, periodic_job


@periodic_job(
    "announcements-due",
    crontab(minute="*"),
    every=MINUTE,
    label=_("公告发送"),
    exclusive=False,
)
def announcements_due_task() -> int:
    """Every minute: announcements published since (safe to overlap: each is claimed)."""
    return services.announcements_send_due()


@periodic_job(
    "signup-purge", crontab(minute="43", hour="*"), every=HOUR, label=_("清理未验证的注册")
)
def signup_purge_task() -> int:
    """Hourly: sign-ups whose number was never proven, older than
    SIGNUP_UNVERIFIED_KEEP_HOURS, deleted with their password hash (#11)."""
    return services.signup_purge_unverified()
