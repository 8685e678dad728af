from django.utils.translation import gettext_lazy as _
from huey import crontab
from huey.contrib.djhuey import db_task

from wuyedesk.channels import services
from wuyedesk.core.jobs import HOUR, MINUTE, periodic_job


@db_task()
def announcement_send_task(announcement_id: int) -> int:
    return services.announcement_send(announcement_id)


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


@db_task()
def signup_attempt_notice_task(signup_id: int) -> int:
    """Tell the holder of a number on record that it was used to sign up (#11 point 1)."""
    return services.signup_attempt_notice(signup_id)


@periodic_job(
    "signup-purge", crontab(minute="43", hour="*"), every=HOUR, label=_("清理未验证的注册")
)
def signup_purge_task() -> int:
    """Hourly: sign-ups whose number was never proven, older than
    SIGNUP_UNVERIFIED_KEEP_HOURS, deleted with their password hash (#11)."""
    return services.signup_purge_unverified()
