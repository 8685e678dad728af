"""Proposals from a published appraisal (issue #16 point 5, MGT-7, MGT-8): the manager asks
for them on the rewards page once a cycle's results are published; each person of the
manager's reach whose published band is excellent gets a commendation proposal, whose band
is fail a warning proposal, as the cycle's regulation version says
(`reward_propose_excellent`, `penalty_propose_failed`; the bands are the appraisal's, by that
version's excellent and pass marks). The scores are the appraisal app's
(`appraisal.selectors.published_results`), never computed here. Asking again proposes only
what is not proposed yet (one proposal per person, cycle and kind)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import staff_of
from wuyedesk.appraisal.choices import Band
from wuyedesk.appraisal.selectors import cycles_visible_to, published_results
from wuyedesk.rewards import selectors
from wuyedesk.rewards.choices import EventKind, MeasureKind, Source
from wuyedesk.rewards.models import Measure
from wuyedesk.rewards.services import _record


def cycles_for(user):
    """The cycles the user may read, newest first (the page's choice)."""
    if not selectors.may_propose(user):
        return cycles_visible_to(user).none()
    return cycles_visible_to(user).order_by("-year", "-quarter")


def kinds_of(rules) -> dict[str, str]:
    """band -> the kind proposed for it, by the cycle's regulation version."""
    wanted = {}
    if rules.reward_propose_excellent:
        wanted[Band.EXCELLENT.value] = MeasureKind.COMMENDATION.value
    if rules.penalty_propose_failed:
        wanted[Band.FAIL.value] = MeasureKind.WARNING.value
    return wanted


@transaction.atomic
def propose_from_appraisal(*, by, cycle) -> list[Measure]:
    if not selectors.may_propose(by):
        raise PermissionDenied
    wanted = kinds_of(cycle.settings)
    results = [row for row in published_results(cycle) if row[2] in wanted]
    me = staff_of(by)
    people = {
        staff.user_id: staff
        for staff in selectors.reach_of(by).filter(
            archived_at__isnull=True, user_id__in=[row[0] for row in results]
        )
        if me is None or staff.pk != me.pk
    }
    done = set(Measure.objects.filter(appraisal_cycle=cycle.pk).values_list("staff_id", "kind"))
    made = []
    for user_id, total, band in results:
        staff, kind = people.get(user_id), wanted[band]
        if staff is None or (staff.pk, kind) in done:
            continue
        facts = _("%(cycle)s 考核已发布:总分 %(total)s,等级“%(band)s”。") % {
            "cycle": str(cycle),
            "total": total,
            "band": Band(band).label,
        }
        measure = Measure.objects.create(
            staff=staff,
            kind=kind,
            facts=facts,
            reason=_("按考核结果与制度规定提议,待经理审批。"),
            source=Source.APPRAISAL,
            appraisal_cycle=cycle.pk,
            appraisal_score=total,
            proposed_by=by,
        )
        _record(measure, EventKind.PROPOSED, by, facts, create=True)
        made.append(measure)
    return made
