"""The periodic evaluation of a document (POL-3).

On a document's review date the worker (`open_due`) opens an evaluation of the version in
force with the figures of the period since the previous evaluation (or since the version
came into force): how the deadlines were kept, complaints and their outcomes, return
visits, satisfaction. The figures read tickets and surveys, which sit above policies, so
they are computed by a function another app registers here at start-up
(`register_figures`; reports does, in reports/receivers.py), and stored with the
evaluation as they were on its day. The manager records the conclusion: keep the rules
until a new review date, or revise them (a new draft).
"""

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import has_post
from wuyedesk.accounts.choices import Post
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.policies import signals
from wuyedesk.policies.choices import EvaluationDecision, EvaluationStatus, VersionStatus
from wuyedesk.policies.models import PolicyDocument, PolicyEvaluation
from wuyedesk.policies.services.versions import _people, draft_open

_figures: Callable | None = None
# Who reads evaluations; the manager concludes them.
EVALUATION_READERS = (Post.MANAGER, Post.EXECUTIVE, Post.ADMIN)


def register_figures(provider: Callable) -> None:
    """`provider(start: date, end: date) -> dict` computes an evaluation's figures."""
    global _figures
    _figures = provider


def figures(start: dt.date, end: dt.date) -> dict:
    return _figures(start, end) if _figures is not None else {}


def may_read(user) -> bool:
    return has_post(user, *EVALUATION_READERS)


def open_due(today: dt.date | None = None) -> int:
    """Open the evaluations whose date has come, once per document and date."""
    today = today or timezone.localdate()
    opened = 0
    for document in PolicyDocument.objects.filter(next_review_on__lte=today):
        version = document.versions.filter(status=VersionStatus.IN_FORCE).first()
        if version is None or document.evaluations.filter(due_on=document.next_review_on).exists():
            continue
        previous = document.evaluations.order_by("-due_on").first()
        if previous is not None:
            start = previous.period_end + dt.timedelta(days=1)
        else:
            start = timezone.localdate(version.in_force_at or version.effective_at)
        end = today - dt.timedelta(days=1) if today > start else today
        try:
            with transaction.atomic():
                evaluation = PolicyEvaluation.objects.create(
                    document=document,
                    version=version,
                    due_on=document.next_review_on,
                    period_start=start,
                    period_end=end,
                    figures=figures(start, end),
                )
                audit_record(
                    actor=None, action=AuditAction.CREATE, obj=evaluation, label=str(document)
                )
                signals.send_notice(
                    users=list(_people(Post.MANAGER, Post.EXECUTIVE)),
                    kind="policy_evaluation",
                    text=_("制度定期评估已开始:%(doc)s") % {"doc": document.title},
                    version=version,
                    key=f"evaluation:{evaluation.due_on.isoformat()}",
                )
        except IntegrityError:  # another worker opened it
            continue
        opened += 1
    return opened


@transaction.atomic
def conclude(
    *, by, evaluation, decision: str, conclusion: str, next_review_on: dt.date | None = None
) -> PolicyEvaluation:
    """The manager's conclusion: keep the rules until `next_review_on`, or open a revision."""
    if not has_post(by, Post.MANAGER):
        raise PermissionDenied
    evaluation = PolicyEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.status != EvaluationStatus.OPEN:
        raise ValidationError(
            {"conclusion": ValidationError(_("此评估已有结论。"), code="invalid_state")}
        )
    conclusion = (conclusion or "").strip()
    if not conclusion:
        raise ValidationError(
            {"conclusion": ValidationError(_("请填写评估结论。"), code="required")}
        )
    if decision not in EvaluationDecision.values:
        raise ValidationError({"decision": ValidationError(_("请选择决定。"), code="invalid")})
    document = PolicyDocument.objects.select_for_update().get(pk=evaluation.document_id)
    if decision == EvaluationDecision.KEEP:
        if next_review_on is None or next_review_on <= timezone.localdate():
            raise ValidationError(
                {"next_review_on": ValidationError(_("下次评估日期须在今天之后。"), code="past")}
            )
        document.next_review_on = next_review_on
        document.save(update_fields=["next_review_on"])
    else:
        evaluation.revision = draft_open(
            by=by, document=document, summary=_("定期评估后修订:%(c)s") % {"c": conclusion[:200]}
        )
    evaluation.status = EvaluationStatus.CONCLUDED
    evaluation.decision, evaluation.conclusion = decision, conclusion
    evaluation.concluded_by, evaluation.concluded_at = by, timezone.now()
    evaluation.save()
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=evaluation,
        label=str(document),
        changes={"status": [EvaluationStatus.OPEN, EvaluationStatus.CONCLUDED]},
        details={"decision": decision},
    )
    return evaluation
