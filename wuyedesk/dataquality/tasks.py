import datetime as dt

from django.utils.translation import gettext_lazy as _
from huey import crontab

from wuyedesk.core.jobs import periodic_job
from wuyedesk.dataquality import services


@periodic_job(
    "dataquality-snapshot",
    crontab(minute="20", hour="20"),  # 04:20 Asia/Shanghai (huey runs in UTC)
    every=dt.timedelta(days=1),
    label=_("数据问题每日统计"),
)
def dataquality_snapshot_task():
    """Daily: each kind's count per community (the trend on the assistant's home). Taking
    the day again replaces its rows, so a second run does no harm."""
    return services.snapshot_take()
