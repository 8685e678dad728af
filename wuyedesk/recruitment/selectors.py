"""Reads of recruitment (MGR-2), scoped to the user, and who may do what.

- the customer-service manager (客服部经理, regulation 4.1 duty 2) runs the recruitment of
  their own department: openings of that department in their communities, its candidates,
  the stages, the offer and the hire;
- executives read every opening and candidate, personal data masked;
- nobody else (a manager of another department sees nothing of it).

A candidate's full phone and ID number and their CV: only the recruiting manager, and only
when the company's setting lets the manager's post see personal data in full
(`Company.reveal_posts`); every reveal and every opening of a CV is in the access log.
"""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wuyedesk.accounts.access import community_ids, has_post, is_staff_member, staff_of
from wuyedesk.accounts.choices import Post
from wuyedesk.properties.services import may_reveal
from wuyedesk.recruitment.choices import WAITING, OpeningStatus
from wuyedesk.recruitment.models import Candidate, Opening

READERS = (Post.MANAGER, Post.EXECUTIVE)
# Bumped by every write to an opening, a candidate or a stage (recruitment/receivers.py): the
# manager's home keeps its recruitment figures under it.
VERSION = "recruitment"


def may_read(user) -> bool:
    return is_staff_member(user) and has_post(user, *READERS)


def may_recruit(user) -> bool:
    """A manager with a department: opens openings, records candidates and decides."""
    if not (is_staff_member(user) and has_post(user, Post.MANAGER)):
        return False
    staff = staff_of(user)
    return staff is not None and staff.department_id is not None


def _in_communities(qs, user):
    ids = community_ids(user)
    if ids is None:
        return qs
    mine = Opening.communities.through.objects.filter(
        opening_id=OuterRef("pk"), community_id__in=ids
    )
    return qs.filter(Exists(mine))


def openings_visible_to(user):
    qs = Opening.objects.select_related("department", "opened_by__staff")
    if not may_read(user):
        return qs.none()
    if has_post(user, Post.EXECUTIVE):
        return qs
    return openings_managed_by(user)


def openings_managed_by(user):
    """The openings the user recruits for: their department's, in their communities."""
    qs = Opening.objects.select_related("department", "opened_by__staff")
    if not may_recruit(user):
        return qs.none()
    return _in_communities(qs.filter(department_id=staff_of(user).department_id), user)


def manages(user, opening: Opening) -> bool:
    return openings_managed_by(user).filter(pk=opening.pk).exists()


def candidates_visible_to(user):
    qs = Candidate.objects.select_related("opening__department", "staff")
    return qs.filter(opening__in=openings_visible_to(user).values("pk"))


def may_see_personal(user, candidate: Candidate) -> bool:
    """May the user see this candidate's phone, ID number and CV in full (each time logged)?"""
    return may_reveal(user) and manages(user, candidate.opening)


def filter_openings(qs, *, status: str = ""):
    return qs.filter(status=status) if status else qs


def filter_candidates(qs, *, opening=None, stage: str = "", waiting: bool = False):
    if opening is not None:
        qs = qs.filter(opening=opening)
    if stage:
        qs = qs.filter(stage=stage)
    if waiting:
        qs = qs.filter(stage__in=WAITING, opening__status=OpeningStatus.OPEN)
    return qs


def home_figures(user) -> list[tuple]:
    """The manager's home (MGR-2): (key, label, count, url) of the open openings they recruit
    for and the candidates waiting for their decision; each count is the rows of its list."""
    if not may_recruit(user):
        return []
    openings = filter_openings(openings_visible_to(user), status=OpeningStatus.OPEN)
    waiting = filter_candidates(candidates_visible_to(user), waiting=True)
    return [
        (
            "openings_open",
            _("招聘中的职位"),
            openings.count(),
            f"{reverse('recruitment:opening_list')}?status=open",
        ),
        (
            "candidates_waiting",
            _("待决定的应聘人"),
            waiting.count(),
            f"{reverse('recruitment:candidate_list')}?waiting=1",
        ),
    ]
