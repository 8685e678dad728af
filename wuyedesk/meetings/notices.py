"""Internal notices (AST-5): the manager or the assistant tells the staff of a department or
of a community something; each recipient's receipt records when they read it, and the notice
stays on their home until they have."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import has_post, in_scope, staff_of
from wuyedesk.accounts.models import User
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.core import versions
from wuyedesk.meetings.models import Notice, NoticeRecipient
from wuyedesk.meetings.selectors import ORGANISERS, VERSION, receipt_of
from wuyedesk.notifications.services import notify
from wuyedesk.properties.selectors import departments_visible_to


def may_send(user) -> bool:
    return has_post(user, *ORGANISERS) and staff_of(user) is not None


def recipients_for(*, department=None, community=None):
    """Active staff of the department, or assigned to the community."""
    users = User.objects.filter(is_active=True, staff__archived_at__isnull=True)
    if department is not None:
        users = users.filter(staff__department=department)
    else:
        users = users.filter(staff__communities=community)
    return users.distinct()


@transaction.atomic
def notice_create(*, by, title: str, body: str, department=None, community=None) -> Notice:
    if not may_send(by):
        raise PermissionDenied
    errors = {}
    if not (title or "").strip():
        errors["title"] = ValidationError(_("请填写标题。"), code="required")
    if not (body or "").strip():
        errors["body"] = ValidationError(_("请填写内容。"), code="required")
    if (department is None) == (community is None):
        errors["department"] = ValidationError(
            _("请选择接收的部门或小区(二选一)。"), code="required"
        )
    elif (
        department is not None and not departments_visible_to(by).filter(pk=department.pk).exists()
    ):
        errors["department"] = ValidationError(_("找不到该部门。"), code="invalid_choice")
    elif community is not None and not in_scope(by, community.pk):
        errors["community"] = ValidationError(_("小区不在您负责的范围内。"), code="invalid_choice")
    if errors:
        raise ValidationError(errors)
    recipients = list(recipients_for(department=department, community=community).exclude(pk=by.pk))
    if not recipients:
        field = "department" if department is not None else "community"
        raise ValidationError({field: ValidationError(_("没有可接收通知的员工。"), code="empty")})
    notice = Notice.objects.create(
        title=title.strip()[:120],
        body=body.strip(),
        department=department,
        community=community,
        created_by=by,
    )
    NoticeRecipient.objects.bulk_create(
        [NoticeRecipient(notice=notice, user=user) for user in recipients]
    )
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        obj=notice,
        community_id=community.pk if community else None,
        details={"recipients": len(recipients)},
    )
    text = _("内部通知:%(title)s") % {"title": notice.title}
    link = reverse("meetings:notice_detail", args=[notice.pk])
    transaction.on_commit(
        lambda: notify(
            users=recipients, kind="notice", text=text, link=link, key=f"notice:{notice.pk}"
        )
    )
    return notice


@transaction.atomic
def notice_read(*, by, notice: Notice) -> NoticeRecipient:
    """The recipient's receipt: read now (reading again keeps the first time)."""
    receipt = receipt_of(notice, by)
    if receipt is None:
        raise PermissionDenied  # only recipients have a receipt to give
    if receipt.read_at is None:
        NoticeRecipient.objects.filter(pk=receipt.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        versions.bump(VERSION)  # the home's unread notices (an update sends no signal)
        receipt.refresh_from_db(fields=["read_at"])
    return receipt
