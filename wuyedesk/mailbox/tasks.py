from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from wuyedesk.mailbox import imap, outbound


@db_periodic_task(crontab(minute="*"))
@lock_task("mail-poll")
def mail_poll_task():
    """Every minute: new mail from the IMAP mailbox, then another try for failed sends.
    The lock saves work; correctness does not depend on it (see imap.py and inbound.py)."""
    result = imap.poll_once()
    result["resent"] = outbound.retry_failed()
    return result
