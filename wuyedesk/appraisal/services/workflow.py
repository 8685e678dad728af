"""An appraisal's life (MGT-6, MGT-9): the person's self-assessment, the manager's review
(their rating of attitude with a written reason), publishing (the results are hidden from
the person until then; a published appraisal is locked), disputes of single records within
the window of the cycle's regulation (days after publishing), their answer (accepted: the
record is left out; partly: it counts with the value the manager sets; rejected), and
reopening with a reason. Every step writes the history (total before and after, the
reasons) and an audit row in the same transaction; notices go out on commit."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from wuyedesk.accounts.models import User
from wuyedesk.appraisal import access, scoring
from wuyedesk.appraisal.choices import REVIEWERS, DisputeStatus, Event, Status
from wuyedesk.appraisal.models import Appraisal, Change, Dispute, Item
from wuyedesk.appraisal.services.cycles import invalid
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.lib.messages import Msg
from wuyedesk.notifications.services import notify

TEXT_MAX = 2000


def link(appraisal) -> str:
    return reverse("appraisal:appraisal", args=[appraisal.pk])


def _text(value, field, message, *, required=True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise invalid(field, message, "required")
    if len(text) > TEXT_MAX:
        raise invalid(field, _("内容过长(最多 %(n)s 字)。") % {"n": TEXT_MAX}, "max_length")
    return text


def _lock(appraisal) -> Appraisal:
    return (
        # of self: PostgreSQL locks no row of the outer join to the person's staff record
        Appraisal.objects.select_for_update(of=("self",))
        .select_related("cycle__settings", "person__staff")
        .get(pk=appraisal.pk)
    )


def recompute(appraisal: Appraisal) -> None:
    """The scores again from the records as they count now (excluded, adjusted) and the
    manager's rating; saves the appraisal."""
    result = scoring.score(
        list(appraisal.items.all()),
        appraisal.cycle.weights,
        appraisal.manager_rating,
        appraisal.cycle.settings,
    )
    appraisal.parts, appraisal.scores = result["parts"], result["scores"]
    appraisal.total, appraisal.band = result["total"], result["band"]
    appraisal.save(update_fields=["parts", "scores", "total", "band"])


def _change(appraisal, event, by, before, reason=""):
    Change.objects.create(
        appraisal=appraisal, event=event, by=by, before=before, after=appraisal.total, reason=reason
    )


def _notify(users, text, appraisal, key):
    transaction.on_commit(
        lambda: notify(users=users, kind="appraisal", text=text, link=link(appraisal), key=key)
    )


def reviewers_of(appraisal) -> list:
    """The managers of the person's department (who answer disputes)."""
    if appraisal.department_id is None:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            staff__department_id=appraisal.department_id,
            staff__archived_at__isnull=True,
            staff__posts__post__in=REVIEWERS,
        )
        .exclude(pk=appraisal.person_id)
        .distinct()
    )


@transaction.atomic
def self_assess(*, by, appraisal: Appraisal, text: str) -> Appraisal:
    current = _lock(appraisal)
    if current.person_id != by.pk:
        raise PermissionDenied
    if current.locked:
        raise ValidationError(_("考核结果已发布并锁定。"), code="locked")
    current.self_assessment = _text(text, "text", _("请填写自我评价。"))
    current.self_assessed_at = timezone.now()
    current.save(update_fields=["self_assessment", "self_assessed_at"])
    _change(current, Event.SELF, by, current.total)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=current, details={"step": "self"})
    return current


@transaction.atomic
def review(*, by, appraisal: Appraisal, rating, reason: str, comment: str = "") -> Appraisal:
    """The manager's rating of the person's attitude (0–100) with its written reason, and
    the review's comment; the scores are computed again."""
    current = _lock(appraisal)
    if not access.may_review(by, current):
        raise PermissionDenied
    if current.locked:
        raise ValidationError(_("考核结果已发布并锁定,须先重新打开。"), code="locked")
    if rating is None or isinstance(rating, bool) or not 0 <= int(rating) <= 100:
        raise invalid("rating", _("经理评分应在 0 到 100 之间。"), "invalid")
    reason = _text(reason, "reason", _("请填写评分理由。"))
    before = current.total
    changes = {"manager_rating": [current.manager_rating, int(rating)]}
    current.manager_rating, current.manager_reason = int(rating), reason
    current.review_comment = _text(comment, "comment", "", required=False)
    current.reviewed_by, current.reviewed_at = by, timezone.now()
    current.status = Status.REVIEWED
    current.save(
        update_fields=[
            "manager_rating",
            "manager_reason",
            "review_comment",
            "reviewed_by",
            "reviewed_at",
            "status",
        ]
    )
    recompute(current)
    _change(current, Event.REVIEWED, by, before, reason)
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=current,
        changes=changes | {"total": [_num(before), _num(current.total)]},
        details={"reason": reason},
    )
    return current


def _num(value):
    return None if value is None else float(value)


@transaction.atomic
def publish(*, by, appraisal: Appraisal) -> Appraisal:
    current = _lock(appraisal)
    if not access.may_review(by, current):
        raise PermissionDenied
    if current.status != Status.REVIEWED:
        raise ValidationError(_("须先完成经理评审才能发布。"), code="invalid_state")
    now = timezone.now()
    days = current.cycle.settings.appraisal_dispute_days
    current.status, current.published_at = Status.PUBLISHED, now
    current.dispute_until = now + dt.timedelta(days=days)
    current.save(update_fields=["status", "published_at", "dispute_until"])
    _change(current, Event.PUBLISHED, by, current.total)
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=current,
        changes={"status": ["reviewed", "published"]},
    )
    text = Msg(
        gettext_noop("您的 %(cycle)s 季度考核结果已发布,可查看依据并在申诉期内提出申诉。"),
        cycle=str(current.cycle),
    )
    _notify([current.person], text, current, f"appraisal:{current.pk}:published:{now.isoformat()}")
    return current


@transaction.atomic
def reopen(*, by, appraisal: Appraisal, reason: str) -> Appraisal:
    """Unlock a published appraisal for a new review; only with a reason."""
    current = _lock(appraisal)
    if not access.may_review(by, current):
        raise PermissionDenied
    if current.status != Status.PUBLISHED:
        raise ValidationError(_("只有已发布的考核可以重新打开。"), code="invalid_state")
    reason = _text(reason, "reason", _("请填写重新打开的原因。"))
    current.status = Status.REVIEWED
    current.save(update_fields=["status"])
    _change(current, Event.REOPENED, by, current.total, reason)
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=current,
        changes={"status": ["published", "reviewed"]},
        details={"reason": reason},
    )
    return current


def window_open(appraisal, now=None) -> bool:
    now = now or timezone.now()
    return (
        appraisal.status == Status.PUBLISHED
        and appraisal.dispute_until is not None
        and now <= appraisal.dispute_until
    )


@transaction.atomic
def dispute_open(
    *, by, appraisal: Appraisal, item: Item | None, comment: str, ref: int | None = None
) -> Dispute:
    """The person contests one record behind their score (`ref`: one of the records a row
    stands for, e.g. one ticket of those that missed a deadline), or the appraisal as a
    whole."""
    current = _lock(appraisal)
    if current.person_id != by.pk:
        raise PermissionDenied
    if not window_open(current):
        raise ValidationError(_("不在申诉期内。"), code="window_closed")
    if item is not None and item.appraisal_id != current.pk:
        raise invalid("item", _("该记录不属于这份考核。"), "invalid_choice")
    label = ""
    if ref is not None:
        found = next((r for r in (item.refs if item else []) if r[0] == ref), None)
        if found is None:
            raise invalid("ref", _("该记录不属于这份考核。"), "invalid_choice")
        label = str(found[1])[:120]
    comment = _text(comment, "comment", _("请填写申诉理由。"))
    if Dispute.objects.filter(
        appraisal=current, item=item, ref_id=ref, status=DisputeStatus.OPEN
    ).exists():
        raise invalid("item", _("该记录已有待答复的申诉。"), "duplicate")
    dispute = Dispute.objects.create(
        appraisal=current, item=item, ref_id=ref, ref_label=label, comment=comment
    )
    _change(current, Event.DISPUTED, by, current.total, comment)
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        obj=dispute,
        details={"appraisal": current.pk, "item": item.pk if item else None},
    )
    text = Msg(
        gettext_noop("%(name)s 对季度考核提出了申诉,请答复。"), name=current.person.staff.name
    )
    _notify(reviewers_of(current), text, current, f"appraisal-dispute:{dispute.pk}")
    return dispute


def _adjusted(value):
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise invalid("adjusted", _("请填写调整后的分值(-100 到 100)。"), "invalid") from None
    if not Decimal(-100) <= number <= Decimal(100):
        raise invalid("adjusted", _("请填写调整后的分值(-100 到 100)。"), "invalid")
    return scoring.rounded(number)


def _split(item: Item, ref_id: int) -> Item:
    """Take one record out of a row standing for several: it becomes a row of its own (the
    one the answer then leaves out or adjusts); the row keeps the others."""
    found = next((r for r in item.refs if r[0] == ref_id), None)
    if found is None:  # taken out by an earlier answer
        own = item.appraisal.items.filter(component=item.component, ref_id=ref_id).first()
        if own is None:
            raise invalid("ref", _("该记录不属于这份考核。"), "invalid_choice")
        return own
    item.refs = [r for r in item.refs if r[0] != ref_id]
    item.count = len(item.refs)
    item.label = f"× {item.count}"
    item.save(update_fields=["refs", "count", "label"])
    return Item.objects.create(
        appraisal_id=item.appraisal_id,
        criterion=item.criterion,
        component=item.component,
        ref_id=ref_id,
        label=str(found[1])[:120],
        value=item.value,
        detail=item.detail,
    )


@transaction.atomic
def dispute_answer(*, by, dispute: Dispute, decision: str, answer: str, adjusted=None) -> Dispute:
    """Accept (the record no longer counts), partly accept (it counts with `adjusted`) or
    reject, with the reason; an accepted or partly accepted dispute recomputes the scores,
    published or not, and the history keeps both totals and both reasons."""
    current = Dispute.objects.select_for_update().get(pk=dispute.pk)
    appraisal = _lock(current.appraisal)
    if not access.may_review(by, appraisal):
        raise PermissionDenied
    if current.status != DisputeStatus.OPEN:
        raise ValidationError(_("该申诉已答复。"), code="invalid_state")
    if decision not in (DisputeStatus.ACCEPTED, DisputeStatus.PARTLY, DisputeStatus.REJECTED):
        raise invalid("decision", _("请选择答复结果。"), "invalid_choice")
    answer = _text(answer, "answer", _("请填写答复理由。"))
    if decision == DisputeStatus.PARTLY and current.item_id is None:
        raise invalid("decision", _("部分采纳须针对具体记录。"), "invalid_choice")
    value = _adjusted(adjusted) if decision == DisputeStatus.PARTLY else None
    before = appraisal.total
    item = current.item
    if item is not None and current.ref_id is not None and decision != DisputeStatus.REJECTED:
        item = _split(item, current.ref_id)
    if item is not None and decision == DisputeStatus.ACCEPTED:
        item.excluded = True
        item.save(update_fields=["excluded"])
    elif item is not None and decision == DisputeStatus.PARTLY:
        item.adjusted = value
        item.save(update_fields=["adjusted"])
    if decision != DisputeStatus.REJECTED:
        recompute(appraisal)
    current.status, current.answer, current.adjusted = decision, answer, value
    current.answered_by, current.answered_at = by, timezone.now()
    current.save(update_fields=["status", "answer", "adjusted", "answered_by", "answered_at"])
    reason = f"{current.comment}\n— {answer}"
    _change(appraisal, Event.ANSWERED, by, before, reason)
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=current,
        changes={"status": ["open", decision], "total": [_num(before), _num(appraisal.total)]},
        details={"answer": answer, "appraisal": appraisal.pk},
    )
    text = Msg(gettext_noop("您的考核申诉已有答复。"))
    _notify([appraisal.person], text, appraisal, f"appraisal-dispute:{current.pk}:answered")
    return current
