"""`{% policy_home %}`: the policies block of a home page (issue #14), one self-contained
include so each post's home needs only this line: the versions in force the person must
still acknowledge, for executives the revisions waiting for their approval, for the manager
the evaluations waiting for a conclusion."""

from django import template

from wuyedesk.accounts.access import has_post, is_staff_member, posts_of
from wuyedesk.accounts.choices import Post
from wuyedesk.core import versions
from wuyedesk.policies.choices import EvaluationStatus, VersionStatus
from wuyedesk.policies.models import PolicyEvaluation, PolicyVersion
from wuyedesk.policies.selectors import VERSION
from wuyedesk.policies.services import acknowledgements

register = template.Library()


# Kept per person until a policy, acknowledgement, evaluation or staff record changes
# (policies/receivers.py) and at most this long: three queries of every home.
KEEP_SECONDS = 60


@register.inclusion_tag("policies/_home.html", takes_context=True)
def policy_home(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not is_staff_member(user):
        return {}
    key = f"home:{user.pk}:{'.'.join(sorted(posts_of(user)))}"
    return versions.cached(VERSION, key, lambda: _policy_home(user), KEEP_SECONDS)


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
