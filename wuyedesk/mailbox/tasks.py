from django.utils.translation import gettext_lazy as _
from huey import crontab

from wuyedesk.core.jobs import MINUTE, periodic_job
from wuyedesk.mailbox import imap, outbound


@periodic_job("mail-poll", crontab(minute="*"), every=MINUTE, label=_("邮箱收信"))
def mail_poll_task():
    """Every minute: new mail from the IMAP mailbox, then another try for failed sends.
    The lock saves work; correctness does not depend on it (see imap.py and inbound.py)."""
    return mail_poll()


def mail_poll() -> dict:
    result = imap.poll_once()
    result["resent"] = outbound.retry_failed()
    return result
