"""Inspections (SUP-1): created by hand or sampled by a plan, scored per checklist item with
evidence and a comment, closed (which computes the score and turns each failed item into a
rectification, an improvement item of source 检查发现), then answered by the person.

Score: each item earns its points (a pass earns the item's weight unless fewer points are
given; a fail earns the points given, 0 by default); the score is the points earned as a
share of the checklist's weights, ×100, one decimal. A failed critical item zeroes it.
The deadline-discipline check has no checklist: its score is the share of the person's
tickets registered in the period whose deadlines were all met, computed when it is created.
"""

import datetime as dt
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from wuyedesk.accounts.access import posts_of, staff_of
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.improvements.services import item_from_finding
from wuyedesk.lib.dates import month_end
from wuyedesk.lib.files import sniff
from wuyedesk.lib.messages import Msg
from wuyedesk.notifications.services import notify
from wuyedesk.policies.services import policy
from wuyedesk.supervision import access
from wuyedesk.supervision.choices import POST_ORDER, Kind, Result, Status
from wuyedesk.supervision.models import Calibration, Finding, Inspection, Photo, Score
from wuyedesk.supervision.services.group import current_checklist, invalid
from wuyedesk.tickets.models import Ticket

PHOTO_NAMES = {".jpg", ".jpeg", ".png", ".webp", ".gif"}
HUNDRED = Decimal(100)


def link(inspection) -> str:
    return reverse("supervision:inspection", kwargs={"pk": inspection.pk})


def checklist_for(person):
    """The current checklist of the person's first post that has one."""
    posts = posts_of(person)
    for post in POST_ORDER:
        if post.value in posts:
            found = current_checklist(post.value)
            if found is not None:
                return found
    return None


def day_bounds(start: dt.date, end: dt.date):
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def missed_q(now) -> Q:
    """A ticket missed a deadline: a clock done after its due time, or not done and past."""
    q = Q()
    for due, done in (
        ("follow_up_due", "followed_up_at"),
        ("investigation_due", "decided_at"),
        ("return_visit_due", "return_visit_at"),
    ):
        q |= Q(**{f"{due}__isnull": False}) & (
            Q(**{f"{done}__gt": F(due)}) | Q(**{f"{done}__isnull": True, f"{due}__lt": now})
        )
    return q


def deadline_counts(person, start: dt.date, end: dt.date, now=None) -> tuple[int, int]:
    """(met, total) of the person's tickets registered in [start, end]."""
    low, high = day_bounds(start, end)
    tickets = Ticket.objects.filter(owner=person, created_at__gte=low, created_at__lt=high)
    total = tickets.count()
    missed = tickets.filter(missed_q(now or timezone.now())).count()
    return total - missed, total


def _validate_subject(by, kind, person, ticket, call, script, planned_for, period):
    if kind not in Kind.values:
        raise invalid("kind", _("检查类型不正确。"), "invalid_choice")
    if kind == Kind.TICKET and (ticket is None or ticket.owner_id != person.pk):
        raise invalid("ticket", _("请选择被检查人负责的工单。"), "invalid_choice")
    if kind == Kind.CALL and (call is None or call.staff_id != person.pk):
        raise invalid("call", _("请选择被检查人接听或拨打的通话。"), "invalid_choice")
    if kind == Kind.MYSTERY:
        if not (script or "").strip():
            raise invalid("script", _("神秘来电/来访需要检查脚本。"), "required")
        if planned_for is None:
            raise invalid("planned_for", _("请填写计划日期。"), "required")
    if kind == Kind.DEADLINE:
        start, end = period
        if start is None or end is None:
            raise invalid("period_start", _("请填写统计期间。"), "required")
        if end < start:
            raise invalid("period_end", _("统计结束不能早于开始。"))
        if end > timezone.localdate():
            raise invalid("period_end", _("统计期间不能晚于今天。"))


@transaction.atomic
def inspection_create(
    *,
    by,
    kind: str,
    person,
    ticket=None,
    call=None,
    script: str = "",
    planned_for: dt.date | None = None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
) -> Inspection:
    """An inspection by hand, its inspector the one who creates it."""
    if person is None:
        raise invalid("person", _("请选择被检查人。"), "required")
    if not access.may_inspect(by, person):
        raise PermissionDenied
    _validate_subject(
        by, kind, person, ticket, call, script, planned_for, (period_start, period_end)
    )
    today = timezone.localdate()
    inspection = Inspection(
        kind=kind,
        inspected=person,
        inspector=by,
        created_by=by,
        ticket=ticket if kind == Kind.TICKET else None,
        call=call if kind == Kind.CALL else None,
        script=(script or "").strip() if kind == Kind.MYSTERY else "",
        planned_for=planned_for if kind == Kind.MYSTERY else None,
        due=planned_for if kind == Kind.MYSTERY else month_end(today),
    )
    if kind == Kind.DEADLINE:
        met, total = deadline_counts(person, period_start, period_end)
        inspection.period_start, inspection.period_end = period_start, period_end
        inspection.deadline_met, inspection.deadline_total = met, total
        inspection.score = _share(met, total)
    else:
        inspection.checklist = checklist_for(person)
        if inspection.checklist is None:
            raise invalid("person", _("被检查人的岗位还没有检查表。"), "no_checklist")
    inspection.save()
    audit_record(actor=by, action=AuditAction.CREATE, obj=inspection)
    return inspection


def _share(met: int, total: int) -> Decimal:
    if not total:
        return HUNDRED.quantize(Decimal("0.1"))
    return (Decimal(met) * HUNDRED / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _lock(inspection) -> Inspection:
    return Inspection.objects.select_for_update().get(pk=inspection.pk)


@transaction.atomic
def score_save(*, by, inspection, scores: list[dict], comment: str | None = None) -> Inspection:
    """Record item scores: [{item (id), result, points (optional), evidence, comment}].
    An unassigned sampled inspection becomes the scorer's."""
    current = _lock(inspection)
    if not access.may_score(by, current):
        raise PermissionDenied
    if current.checklist_id is None:
        raise ValidationError(_("时限执行检查由数据计算,不需要逐项评分。"), code="invalid_state")
    items = {i.pk: i for i in current.checklist.items.all()}
    rows = []
    for n, row in enumerate(scores, start=1):
        item = items.get(_int(row.get("item")))
        if item is None:
            raise invalid("scores", _("第 %(n)s 行:检查项不属于该检查表。") % {"n": n})
        result = row.get("result")
        if result not in Result.values:
            raise invalid("scores", _("第 %(n)s 行:请选择合格或不合格。") % {"n": n}, "required")
        points = _points(row.get("points"), item, result, n)
        rows.append((item, result, points, row))
    for item, result, points, row in rows:
        Score.objects.update_or_create(
            inspection=current,
            item=item,
            defaults={
                "result": result,
                "points": points,
                "evidence": str(row.get("evidence") or "").strip(),
                "comment": str(row.get("comment") or "").strip(),
            },
        )
    fields = []
    if current.inspector_id is None:
        current.inspector = by
        fields.append("inspector")
    if comment is not None:
        current.comment = comment.strip()
        fields.append("comment")
    if fields:
        current.save(update_fields=fields)
    return current


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _points(value, item, result, n) -> Decimal:
    if value in (None, ""):
        return Decimal(item.weight if result == Result.PASS else 0)
    try:
        points = Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    except ArithmeticError:
        points = Decimal(-1)
    if not Decimal(0) <= points <= Decimal(item.weight):
        raise invalid(
            "scores", _("第 %(n)s 行:得分应在 0 到 %(w)s 之间。") % {"n": n, "w": item.weight}
        )
    return points


def compute_score(inspection) -> tuple[Decimal, bool]:
    """(score, critical fail) of the recorded item scores."""
    scores = list(inspection.scores.select_related("item"))
    critical = any(s.item.critical and s.result == Result.FAIL for s in scores)
    weights = sum(s.item.weight for s in scores)
    if critical or not weights:
        return Decimal("0.0"), critical
    earned = sum(s.points for s in scores)
    return (earned * HUNDRED / Decimal(weights)).quantize(Decimal("0.1"), ROUND_HALF_UP), False


@transaction.atomic
def inspection_close(*, by, inspection, due: dt.date | None = None, owner=None) -> Inspection:
    """Close: every item scored, the score computed, each failed item a rectification
    (owner: the person inspected unless another is named; due: the policy's days)."""
    current = _lock(inspection)
    if not access.may_score(by, current):
        raise PermissionDenied
    today = timezone.localdate()
    settings = policy()
    due = due or today + dt.timedelta(days=settings.supervision_rectification_days)
    if due < today:
        raise invalid("due", _("整改期限不能早于今天。"), "past")
    owner = owner or current.inspected
    if staff_of(owner) is None:
        raise invalid("owner", _("负责人必须是在职员工。"), "invalid_choice")
    if current.checklist_id is not None:
        missing = current.checklist.items.exclude(pk__in=current.scores.values("item_id")).first()
        if missing is not None:
            raise invalid(
                "scores", _("还有检查项未评分:%(item)s") % {"item": missing.text}, "incomplete"
            )
        current.score, current.critical_fail = compute_score(current)
    current.inspector = current.inspector or by
    current.status, current.closed_at = Status.CLOSED, timezone.now()
    _findings(by, current, owner, due, settings.supervision_repeat_days)
    current.save()
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=current,
        changes={"status": [Status.OPEN, Status.CLOSED], "score": [None, str(current.score)]},
    )
    _compare_calibration(current)
    person, text = current.inspected, Msg(gettext_noop("您有一项检查已结束,可以查看并回复。"))
    transaction.on_commit(
        lambda: notify(
            users=[person],
            kind="inspection",
            text=text,
            link=link(current),
            key=f"inspection:{current.pk}:closed",
        )
    )
    return current


def _findings(by, inspection, owner, due, repeat_days) -> None:
    failed = inspection.scores.filter(result=Result.FAIL).select_related("item")
    since = timezone.now() - dt.timedelta(days=repeat_days)
    staff = staff_of(inspection.inspected) or staff_of(by)
    department = staff.department if staff else None
    if department is None and failed.exists():
        department = getattr(staff_of(by), "department", None)
        if department is None:
            raise invalid("owner", _("被检查人没有所属部门,无法生成整改事项。"), "no_department")
    community = _community(inspection)
    for score in failed:
        repeated = Finding.objects.filter(
            person=inspection.inspected, code=score.item.code, at__gte=since
        ).exists()
        item = item_from_finding(
            by=by,
            title=_("检查发现:%(item)s") % {"item": score.item.text},
            department=department,
            owner=owner,
            measures=score.comment or score.evidence or score.item.guidance or score.item.text,
            due=due,
            community=community,
        )
        Finding.objects.create(
            inspection=inspection,
            item=score.item,
            code=score.item.code,
            person=inspection.inspected,
            improvement=item,
            repeated=repeated,
        )
        inspection.repeated = inspection.repeated or repeated


def _community(inspection):
    if inspection.ticket_id:
        return inspection.ticket.community
    if inspection.call_id and inspection.call.community_id:
        return inspection.call.community
    return None


def _compare_calibration(inspection) -> None:
    pair = (
        Calibration.objects.select_for_update()
        .filter(Q(first=inspection) | Q(second=inspection))
        .first()
    )
    if pair is None:
        return
    both = list(Inspection.objects.filter(pk__in=[pair.first_id, pair.second_id]))
    if any(i.status != Status.CLOSED for i in both):
        return
    a, b = both
    pair.divergence = abs(a.score - b.score)
    pair.flagged = pair.divergence > Decimal(policy().supervision_calibration_divergence)
    pair.compared_at = timezone.now()
    pair.save(update_fields=["divergence", "flagged", "compared_at"])


@transaction.atomic
def inspection_answer(*, by, inspection, text: str) -> Inspection:
    """The person inspected answers a closed inspection (once)."""
    current = _lock(inspection)
    if current.inspected_id != by.pk or current.status != Status.CLOSED:
        raise PermissionDenied
    if current.answered_at is not None:
        raise ValidationError(_("已经回复过了。"), code="invalid_state")
    if not (text or "").strip():
        raise invalid("text", _("请填写回复内容。"), "required")
    current.answer, current.answered_at = text.strip(), timezone.now()
    current.save(update_fields=["answer", "answered_at"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=current, changes={"answer": ["", "…"]})
    if current.inspector_id:
        inspector, text_ = current.inspector, Msg(gettext_noop("被检查人回复了检查结果。"))
        transaction.on_commit(
            lambda: notify(
                users=[inspector],
                kind="inspection",
                text=text_,
                link=link(current),
                key=f"inspection:{current.pk}:answered",
            )
        )
    return current


@transaction.atomic
def photo_add(*, by, inspection, upload) -> Photo:
    """A photo of an on-site check (JPEG, PNG, WebP or GIF, within the attachment limit)."""
    if not access.may_score(by, inspection):
        raise PermissionDenied
    if upload is None:
        raise invalid("file", _("请选择文件。"), "required")
    limit_mb = policy().attachment_max_mb
    if upload.size > limit_mb * 1024 * 1024:
        raise invalid("file", _("文件太大:上限为 %(mb)s MB。") % {"mb": limit_mb}, "too_large")
    name = ((upload.name or "").replace("\\", "/").rsplit("/", 1)[-1].strip() or "photo")[:200]
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    upload.seek(0)
    detected = sniff(upload.read(16))
    upload.seek(0)
    if detected is None or detected[1] == "application/pdf" or suffix not in PHOTO_NAMES:
        raise invalid("file", _("只能上传 JPG、PNG、WebP 或 GIF 图片。"), "refused_type")
    extension, content_type = detected
    photo = Photo(
        inspection=inspection,
        name=name,
        size=upload.size,
        content_type=content_type,
        uploaded_by=by,
    )
    photo.file.save(f"{uuid.uuid4().hex}.{extension}", upload, save=False)
    try:
        photo.save()
    except Exception:
        photo.file.delete(save=False)
        raise
    audit_record(actor=by, action=AuditAction.CREATE, obj=photo, label=name)
    return photo
