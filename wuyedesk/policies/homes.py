"""The policies block of every home (issue #14; web/home.py, jinja2/web/_home.html): the
versions in force the person must still acknowledge, for executives the revisions waiting
for their approval, for the manager the evaluations waiting for a conclusion."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wuyedesk.accounts.access import has_post, is_staff_member, posts_of
from wuyedesk.accounts.choices import Post
from wuyedesk.core import versions
from wuyedesk.policies.choices import EvaluationStatus, VersionStatus
from wuyedesk.policies.models import PolicyEvaluation, PolicyVersion
from wuyedesk.policies.selectors import VERSION
from wuyedesk.policies.services import acknowledgements

# Kept per person until a policy, acknowledgement, evaluation or staff record changes
# (policies/receivers.py) and at most this long: three queries of every home.
KEEP_SECONDS = 60


def home_block(user) -> dict:
    """{pending: [(version, "第 n 版")], awaiting: the approvals' sentence or "",
    evaluations: [(evaluation, its sentence)]}: the rows kept, their words in the reader's
    language at each view."""
    if not user.is_authenticated or not is_staff_member(user):
        return {}
    key = f"home:{user.pk}:{'.'.join(sorted(posts_of(user)))}"
    kept = versions.cached(VERSION, key, lambda: _policy_home(user), KEEP_SECONDS)
    awaiting = kept["awaiting"]
    return {
        "pending": [(v, _("第 %(n)s 版") % {"n": v.number}) for v in kept["pending"]],
        "awaiting": ngettext("%(n)s 个制度修订待您审批", "%(n)s 个制度修订待您审批", awaiting)
        % {"n": awaiting}
        if awaiting
        else "",
        "evaluations": [
            (e, _("制度定期评估待结论:%(doc)s") % {"doc": e.document.title})
            for e in kept["evaluations"]
        ],
    }


def _policy_home(user) -> dict:
    awaiting = 0
    if has_post(user, Post.EXECUTIVE):
        awaiting = PolicyVersion.objects.filter(status=VersionStatus.SUBMITTED).count()
    evaluations = []
    if has_post(user, Post.MANAGER):
        evaluations = list(
            PolicyEvaluation.objects.filter(status=EvaluationStatus.OPEN).select_related(
                "document"
            )[:5]
        )
    return {
        "pending": acknowledgements.pending_for(user),
        "awaiting": awaiting,
        "evaluations": evaluations,
    }
