"""The homes' rewards-and-penalties numbers: what waits for the person's decision (the
manager: proposals to approve and lesser appeals; the executive: second approvals and the
appeals of bonus, demotion and dismissal), and for everyone "a decision about you" and
"appeal answered" (within the appeal window of the version in force). Each number is the
count of the list it links to (the same selector and filter)."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import staff_of
from wuyedesk.rewards import selectors


def _url(**params) -> str:
    return f"{reverse('rewards:list')}?{urlencode(params)}"


def _count(user, **filters) -> int:
    return selectors.filter_measures(selectors.measures_visible_to(user), user, **filters).count()


def home_figures(user) -> list[dict]:
    """[{key, label, n, url, alert}] for the user's home."""
    out = []
    if selectors.is_manager(user) or selectors.is_executive(user):
        out.append(
            {
                "key": "rewards_waiting",
                "label": _("待您审批的奖惩与申诉"),
                "n": _count(user, waiting=True),
                "url": _url(waiting=1),
                "alert": True,
            }
        )
    if staff_of(user) is not None:
        out.append(
            {
                "key": "rewards_decided",
                "label": _("关于您的奖惩决定"),
                "n": _count(user, mine="decided"),
                "url": _url(mine="decided"),
                "alert": False,
            }
        )
        out.append(
            {
                "key": "rewards_answered",
                "label": _("申诉已答复"),
                "n": _count(user, mine="answered"),
                "url": _url(mine="answered"),
                "alert": False,
            }
        )
    return out
