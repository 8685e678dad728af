"""Calibration (SUP-1): two supervisors score the same sampled item blind. Each sees only
their own scores until both inspections are closed (access.blind_for); then the two scores
are compared, and a divergence over the policy's share (supervision_calibration_divergence,
points out of 100) is flagged for discussion, whose conclusion is recorded here."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import has_post
from wuyedesk.accounts.choices import Post
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.supervision import access
from wuyedesk.supervision.choices import SAMPLED_KINDS, Status
from wuyedesk.supervision.models import Calibration, Inspection
from wuyedesk.supervision.services.group import invalid


@transaction.atomic
def calibration_create(*, by, inspection: Inspection, second) -> Calibration:
    """Pair the inspection with a second, blind one of the same item for `second`. The
    first inspector is the one who has taken it, else the one who asks."""
    current = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if not (access.is_inspector(by) or has_post(by, Post.MANAGER)):
        raise PermissionDenied
    if current.status != Status.OPEN or current.kind not in SAMPLED_KINDS:
        raise ValidationError(_("只能校准尚未结束的工单或通话抽查。"), code="invalid_state")
    if current.scores.exists():
        raise ValidationError(_("已经开始评分的检查不能再做校准。"), code="invalid_state")
    if Calibration.objects.filter(Q(first=current) | Q(second=current)).exists():
        raise ValidationError(_("该检查已在校准中。"), code="invalid_state")
    first = current.inspector or by
    if not access.may_inspect(first, current.inspected):
        raise invalid("second", _("请先由一名监督员接手该检查。"), "no_inspector")
    if second is None or second.pk == first.pk or not access.may_inspect(second, current.inspected):
        raise invalid("second", _("请选择另一名可以检查该人员的监督员。"), "invalid_choice")
    if current.inspector_id is None:
        current.inspector = first
        current.save(update_fields=["inspector"])
    twin = Inspection.objects.create(
        kind=current.kind,
        plan=current.plan,
        inspected=current.inspected,
        inspector=second,
        checklist=current.checklist,
        ticket=current.ticket,
        call=current.call,
        due=current.due,
        created_by=by,
    )
    pair = Calibration.objects.create(first=current, second=twin, created_by=by)
    audit_record(actor=by, action=AuditAction.CREATE, obj=pair)
    return pair


@transaction.atomic
def calibration_discuss(*, by, calibration: Calibration, text: str) -> Calibration:
    """The conclusion of the discussion of a flagged pair (either supervisor, the manager)."""
    pair = Calibration.objects.select_for_update().get(pk=calibration.pk)
    inspectors = set(
        Inspection.objects.filter(pk__in=[pair.first_id, pair.second_id]).values_list(
            "inspector_id", flat=True
        )
    )
    if by.pk not in inspectors and not has_post(by, Post.MANAGER):
        raise PermissionDenied
    if pair.compared_at is None:
        raise ValidationError(_("两份评分都结束后才能讨论。"), code="invalid_state")
    if not (text or "").strip():
        raise invalid("text", _("请填写讨论结论。"), "required")
    pair.discussion, pair.discussed_at, pair.discussed_by = text.strip(), timezone.now(), by
    pair.save(update_fields=["discussion", "discussed_at", "discussed_by"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=pair, changes={"discussion": ["", "…"]})
    return pair
