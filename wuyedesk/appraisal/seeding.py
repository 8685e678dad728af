"""Demo appraisal (`wuyedesk seed`, after staffing, supervision and training, whose records it
reads; before rewards, which proposes from its published results).

The story: the previous quarter's cycle, opened by the manager and computed from the demo's
tickets, ratings, return visits, inspections and attendance. The manager reviewed the first
three specialists of the department (the attitude rating with its reason) and published the
first two; the first (`specialist`) contests a record behind their score and waits for the
manager's answer, the second's dispute was answered (partly accepted, so the history shows
both totals). The others wait for the review. Made through the services, so the history,
audit rows and notices are there too. Bounded and deterministic."""

from django.db import transaction

from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.selectors import first_manager
from wuyedesk.appraisal.choices import GROUPED, Component
from wuyedesk.appraisal.models import Appraisal, Cycle
from wuyedesk.appraisal.services import cycles, workflow

REVIEWS = (
    (86, "接听礼貌,耐心解释,住户多次表扬。", "整体表现良好,注意回访时限。"),
    (78, "服务用语规范,个别来电安抚不够到位。", "本季度表现合格,加强投诉安抚技巧。"),
    (82, "态度积极,主动跟进住户诉求。", ""),
)
CONTEST = "这张工单当天由同事代班处理,不应计在我名下,请核实后剔除。"
CONTEST_OTHER = "该工单的结果受工程部维修进度影响,并非全是我的原因,请酌情调整。"
ANSWER = "经核实,工程部维修进度确有影响,与本人有关的部分照计,按折中分值计入。"
ANSWER_WHOLE = "经核实,考核依据无误,维持原结果。"
# The records of a ticket a person may contest, most telling first (each counts 0-100).
CONTESTED = (
    Component.RATING,
    Component.RETURN_VISIT,
    Component.DEADLINE,
    Component.FIRST_CONTACT,
)


def _contestable(appraisal):
    """(item, ref) of the ticket's record the person contests: the one counting lowest (a
    poor rating, an unsatisfied return visit, or the first ticket of a grouped row such as
    the missed deadlines); (None, None) when nothing counts against them."""
    items = sorted(
        appraisal.items.filter(component__in=CONTESTED, excluded=False),
        key=lambda i: (i.value, CONTESTED.index(i.component), i.pk),
    )
    for item in items:
        if item.component in GROUPED and item.ref_id is None:
            if item.refs and item.value < 100:
                return item, item.refs[0][0]
        elif item.value < 100:
            return item, None
    return None, None


@transaction.atomic
def seed_demo(*, seed: int) -> dict[str, int]:
    if Cycle.objects.exists():
        return {}  # seeded already
    manager = first_manager()
    if manager is None:
        return {}
    year, quarter = cycles.previous_quarter(cycles.today())
    cycle = cycles.cycle_open(by=manager, year=year, quarter=quarter)
    # The worker's job body, run here: the demo opens with the cycle computed (the job queued
    # on commit finds it computed and does nothing).
    cycles.run_compute(cycle.pk)
    reviewed = list(
        Appraisal.objects.filter(
            cycle=cycle,
            department_id=manager.staff.department_id,
            person__staff__posts__post=Post.SPECIALIST,
        )
        .exclude(person=manager)
        .order_by("person__staff__employee_no")
        .distinct()[: len(REVIEWS)]
    )
    for n, (appraisal, (rating, reason, comment)) in enumerate(
        zip(reviewed, REVIEWS, strict=False)
    ):
        workflow.review(
            by=manager,
            appraisal=appraisal,
            rating=rating,
            reason=reason,
            comment=comment,
        )
        if n < 2:
            workflow.publish(by=manager, appraisal=appraisal)
    disputes = 0
    if reviewed:  # the first specialist contests a record and waits for the answer
        item, ref = _contestable(reviewed[0])
        workflow.dispute_open(
            by=reviewed[0].person, appraisal=reviewed[0], item=item, ref=ref, comment=CONTEST
        )
        disputes += 1
    if len(reviewed) > 1:  # the second's dispute was answered
        item, ref = _contestable(reviewed[1])
        dispute = workflow.dispute_open(
            by=reviewed[1].person, appraisal=reviewed[1], item=item, ref=ref, comment=CONTEST_OTHER
        )
        if item is None:
            workflow.dispute_answer(
                by=manager, dispute=dispute, decision="rejected", answer=ANSWER_WHOLE
            )
        else:
            value = (item.value + 100) / 2  # halfway to full marks
            workflow.dispute_answer(
                by=manager, dispute=dispute, decision="partly", answer=ANSWER, adjusted=value
            )
        disputes += 1
    return {
        "appraisals": Appraisal.objects.filter(cycle=cycle).count(),
        "appraisal disputes": disputes,
    }
