import datetime as dt

from django.utils.translation import gettext_lazy as _
from huey import crontab

from wuyedesk.audit import services
from wuyedesk.core.jobs import periodic_job


@periodic_job(
    "access-log-purge",
    crontab(minute="40", hour="3"),
    every=dt.timedelta(days=1),
    label=_("访问日志清理"),
    exclusive=False,  # deleting by age needs no lock: a second run finds nothing to delete
)
def access_log_purge_task():
    """Daily, at night: the access log's rows older than the company's retention go."""
    return services.access_log_purge()
