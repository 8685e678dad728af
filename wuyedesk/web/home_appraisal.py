"""The appraisal's figures on every home (issue #16 points 3-4): the person's appraisals
published and open to dispute and their disputes answered; the reviewer's appraisals to
review or publish and disputes to answer. Each counts the list its link opens
(appraisal.selectors.home_counts); a home shows them after its work."""

from django.urls import reverse
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import has_post
from wuyedesk.appraisal import selectors
from wuyedesk.appraisal.choices import APPRAISED_POSTS


def figures(user) -> list[tuple]:
    """(key, label, n, url, alert) of each figure; none for who is neither appraised nor
    a reviewer."""
    appraised = has_post(user, *APPRAISED_POSTS)
    counts = selectors.home_counts(user)
    index = reverse("appraisal:index")
    out = []
    if appraised:
        out += [
            (
                "appraisal_published",
                _("我的考核已发布"),
                counts["published"],
                f"{index}?show=published",
                False,
            ),
            (
                "appraisal_answered",
                _("申诉已答复"),
                counts["answered"],
                f"{index}?show=answered",
                False,
            ),
        ]
    if "waiting" in counts:
        out += [
            (
                "appraisal_waiting",
                _("待评审的考核"),
                counts["waiting"],
                f"{index}?show=waiting",
                False,
            ),
            (
                "appraisal_disputes",
                _("待答复的考核申诉"),
                counts["disputes"],
                reverse("appraisal:disputes"),
                True,
            ),
        ]
    return out
