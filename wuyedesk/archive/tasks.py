"""The archive's periodic job (core.jobs.periodic_job): the monthly destruction list."""

import datetime as dt

from django.utils.translation import gettext_lazy as _
from huey import crontab

from wuyedesk.archive import services
from wuyedesk.core.jobs import periodic_job


@periodic_job(
    "archive-destruction-list",
    crontab(day="1", hour="1", minute="10"),  # the 1st, 09:10 Asia/Shanghai (huey runs in UTC)
    every=dt.timedelta(days=31),
    label=_("档案每月到期销毁清单"),
)
def archive_destruction_list_task():
    """Monthly: tell each assistant how many of their documents fall due for destruction by
    the end of the month, linking to the list (once per person and month)."""
    return services.destruction_list_notify()
