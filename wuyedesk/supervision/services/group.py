"""The group's members and the checklists (SUP-1): appointed by the manager or an
executive; a checklist changes by a new version, and inspections keep theirs."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import community_ids, has_post, staff_of
from wuyedesk.accounts.choices import Post
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.supervision import access
from wuyedesk.supervision.choices import INSPECTOR_POSTS
from wuyedesk.supervision.models import Checklist, ChecklistItem, GroupMember

MAX_ITEMS = 50


def invalid(field: str, message: str, code: str = "invalid") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


@transaction.atomic
def member_appoint(*, by, user, remit: str) -> GroupMember:
    """Appoint a holder of the supervisor post to the group, with their remit."""
    if not access.may_appoint(by):
        raise PermissionDenied
    if not (remit or "").strip():
        raise invalid("remit", _("请填写职责范围。"), "required")
    staff = staff_of(user) if user is not None else None
    if staff is None or not has_post(user, *INSPECTOR_POSTS):
        raise invalid("user", _("只能任命担任监督小组成员岗位的在职员工。"), "invalid_choice")
    ids = community_ids(by)
    if ids is not None and not staff.communities.filter(pk__in=ids).exists():
        raise invalid("user", _("该员工不在您负责的范围内。"), "invalid_choice")
    if GroupMember.objects.filter(user=user, ended_at__isnull=True).exists():
        raise invalid("user", _("该员工已是监督小组成员。"), "duplicate")
    member = GroupMember.objects.create(user=user, remit=remit.strip(), appointed_by=by)
    audit_record(actor=by, action=AuditAction.CREATE, obj=member, label=staff.name)
    return member


@transaction.atomic
def member_end(*, by, member: GroupMember) -> GroupMember:
    if not access.may_appoint(by):
        raise PermissionDenied
    ids = community_ids(by)
    if ids is not None and not member.user.staff.communities.filter(pk__in=ids).exists():
        raise PermissionDenied
    if member.ended_at is not None:
        raise ValidationError(_("该成员已卸任。"), code="invalid_state")
    member.ended_at, member.ended_by = timezone.now(), by
    member.save(update_fields=["ended_at", "ended_by"])
    audit_record(
        actor=by, action=AuditAction.UPDATE, obj=member, changes={"ended_at": [None, "ended"]}
    )
    return member


def current_checklist(post: str):
    return Checklist.objects.filter(post=post).order_by("-version").first()


def _clean_items(items: list[dict]) -> list[dict]:
    if not items:
        raise invalid("items", _("检查表至少要有一个检查项。"), "required")
    if len(items) > MAX_ITEMS:
        raise invalid("items", _("检查项不能超过 %(n)s 个。") % {"n": MAX_ITEMS})
    clean, codes = [], set()
    for n, item in enumerate(items, start=1):
        code = str(item.get("code") or "").strip()[:20]
        text = str(item.get("text") or "").strip()[:200]
        where = {"n": n}
        if not code or not text:
            raise invalid("items", _("第 %(n)s 项:请填写编号和检查内容。") % where, "required")
        if code in codes:
            raise invalid("items", _("第 %(n)s 项:编号重复。") % where, "duplicate")
        try:
            weight = int(item.get("weight"))
        except (TypeError, ValueError):
            weight = 0
        if not 1 <= weight <= 100:
            raise invalid("items", _("第 %(n)s 项:分值应为 1 到 100 的整数。") % where)
        codes.add(code)
        clean.append(
            {
                "code": code,
                "text": text,
                "weight": weight,
                "critical": bool(item.get("critical")),
                "guidance": str(item.get("guidance") or "").strip(),
                "order": n,
            }
        )
    return clean


@transaction.atomic
def checklist_save(*, by, post: str, title: str, items: list[dict], note: str = "") -> Checklist:
    """A new version of the post's checklist (version 1 when it has none)."""
    if not access.may_keep_checklists(by):
        raise PermissionDenied
    if post not in Post.values:
        raise invalid("post", _("岗位不正确。"), "invalid_choice")
    if not (title or "").strip():
        raise invalid("title", _("请填写名称。"), "required")
    clean = _clean_items(items)
    last = Checklist.objects.select_for_update().filter(post=post).aggregate(n=Max("version"))
    checklist = Checklist.objects.create(
        post=post,
        version=(last["n"] or 0) + 1,
        title=title.strip()[:120],
        note=(note or "").strip()[:200],
        created_by=by,
    )
    ChecklistItem.objects.bulk_create([ChecklistItem(checklist=checklist, **row) for row in clean])
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        obj=checklist,
        details={"version": checklist.version, "items": len(clean)},
    )
    return checklist


def parse_lines(text: str) -> list[dict]:
    """The page's item list: one line per item, `code | text | weight | critical | guidance`
    (critical: 1, y, yes, 是 or 关键)."""
    items = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        parts += [""] * (5 - len(parts))
        items.append(
            {
                "code": parts[0],
                "text": parts[1],
                "weight": parts[2],
                "critical": parts[3].lower() in {"1", "y", "yes", "是", "关键", "true"},
                "guidance": "|".join(parts[4:]).strip("| "),
            }
        )
    return items


def format_lines(checklist) -> str:
    return "\n".join(
        " | ".join(
            [
                i.code,
                i.text,
                str(i.weight),
                "1" if i.critical else "",
                i.guidance.replace("\n", " "),
            ]
        )
        for i in checklist.items.all()
    )
