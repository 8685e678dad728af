"""Tickets: inquiries, complaints, repair requests and suggestions, with their clocks."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuyedesk.tickets.choices import (
    Channel,
    DispatchPurpose,
    EventKind,
    Kind,
    Outcome,
    Satisfaction,
    Severity,
    Status,
)

USER = settings.AUTH_USER_MODEL


class Category(models.Model):
    """Two-level tree (e.g. 维修 → 电梯) with the department that usually handles it."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级分类"),
    )
    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    name_en = models.CharField(_("英文名称"), max_length=60, blank=True)
    default_department = models.ForeignKey(
        "properties.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("默认部门"),
    )
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("工单分类")
        verbose_name_plural = pgettext_lazy("plural", "工单分类")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.parent.name}/{self.name}" if self.parent_id else self.name


class Incident(models.Model):
    """One event (e.g. lift out of service in building 3) that many residents report (MGR-5)."""

    community = models.ForeignKey(
        "properties.Community", on_delete=models.PROTECT, related_name="+", verbose_name=_("小区")
    )
    building = models.ForeignKey(
        "properties.Building",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("楼栋"),
    )
    title = models.CharField(_("标题"), max_length=120)
    description = models.TextField(_("说明"), blank=True)
    severity = models.CharField(
        _("严重程度"), max_length=10, choices=Severity.choices, default=Severity.EMERGENCY
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = pgettext_lazy("plural", "事件")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title


def overdue_at(next_due, closed: bool, now) -> bool:
    """What "overdue" means, for a ticket already read: open, and its soonest running deadline
    (`next_due`) has come. The same test as `TicketQuerySet.overdue` in SQL. It does not wait
    for the SLA sweep: a ticket past its deadline is overdue at once; the sweep only notifies
    (and stamps `overdue_since`, the moment it noticed). See docs/service-desk.md."""
    return not closed and next_due is not None and next_due <= now


def overdue_q(now=None) -> Q:
    """The condition of `TicketQuerySet.overdue`, for a count among others in one query (the
    homes' numbers, the queue tabs)."""
    return Q(closed_at__isnull=True, next_due__lte=now or timezone.now())


class TicketQuerySet(models.QuerySet):
    def overdue(self, now=None):
        """The one definition of overdue tickets (queues, the overdue tab, the dashboard, the
        report list, the API and the SLA sweep): open, `next_due` at or before now."""
        return self.filter(overdue_q(now))


class Ticket(models.Model):
    number = models.CharField(_("编号"), max_length=20, unique=True)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("分类")
    )
    severity = models.CharField(
        _("严重程度"), max_length=10, choices=Severity.choices, default=Severity.NORMAL
    )
    status = models.CharField(_("状态"), max_length=24, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(_("结果"), max_length=12, choices=Outcome.choices, blank=True)
    community = models.ForeignKey(
        "properties.Community",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("小区"),
        db_index=False,  # ticket_community_idx (community, -id) serves every lookup by it
    )
    building = models.ForeignKey(
        "properties.Building",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("楼栋(公共区域)"),
    )
    room = models.ForeignKey(
        "properties.Room",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("房屋"),
    )
    resident = models.ForeignKey(
        "properties.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("客户"),
        db_index=False,  # ticket_resident_idx (resident, -id) serves every lookup by it
    )
    title = models.CharField(_("标题"), max_length=120)
    description = models.TextField(_("内容"))
    contact_at = models.DateTimeField(_("客户联系时间"))
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_tickets",
        verbose_name=_("负责人"),
    )
    department = models.ForeignKey(
        "properties.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("当前处理部门"),
    )
    incident = models.ForeignKey(
        Incident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("所属事件"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
    )
    related = models.ManyToManyField("self", blank=True, verbose_name=_("关联工单"))
    first_contact_resolution = models.BooleanField(_("首问解决"), default=False)
    # Clocks. Each *_due comes from the policy in force when that clock started.
    follow_up_due = models.DateTimeField(_("跟进期限"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("跟进时间"), null=True, blank=True)
    reported_at = models.DateTimeField(_("上报经理时间"), null=True, blank=True)
    investigation_due = models.DateTimeField(_("调查处理期限"), null=True, blank=True)
    decided_at = models.DateTimeField(_("处理决定时间"), null=True, blank=True)
    feedback_at = models.DateTimeField(_("反馈客户时间"), null=True, blank=True)
    return_visit_due = models.DateTimeField(_("回访期限"), null=True, blank=True)
    return_visit_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    satisfaction = models.CharField(
        _("满意度"), max_length=14, choices=Satisfaction.choices, blank=True
    )
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    # The soonest open deadline, kept for queue ordering ("my work, soonest first").
    next_due = models.DateTimeField(null=True, blank=True)
    # When the SLA sweep noticed the missed deadline (and notified); whether a ticket *is*
    # overdue is `overdue_at` / `TicketQuerySet.overdue`, which do not wait for the sweep.
    overdue_since = models.DateTimeField(_("超时时间"), null=True, blank=True)
    # Set once by the sweep when it acts, so that two workers never notify twice.
    reminded_for = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_notified_for = models.DateTimeField(null=True, blank=True, editable=False)
    manager_acknowledged_at = models.DateTimeField(null=True, blank=True)
    # How each running deadline was computed (policies.calendar.Deadline.basis), by clock:
    # "follow_up", "investigation", "return_visit". The ticket page explains it.
    clock_basis = models.JSONField(default=dict, blank=True, editable=False)
    # CMP-1: recorded later after the contact than the regulation allows; the SLA sweep tells
    # the manager once (late_notified_at).
    recorded_late = models.BooleanField(_("迟登记"), default=False, editable=False)
    late_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    search_text = models.TextField(editable=False, default="")

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = pgettext_lazy("plural", "工单")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["community", "-id"], name="ticket_community_idx"),
            models.Index(
                fields=["owner", "next_due"],
                name="ticket_owner_due_idx",
                condition=Q(closed_at__isnull=True),
            ),
            models.Index(
                fields=["department", "next_due"],
                name="ticket_department_due_idx",
                condition=Q(closed_at__isnull=True),
            ),
            models.Index(
                fields=["next_due"], name="ticket_open_due_idx", condition=Q(closed_at__isnull=True)
            ),
            # The open queues of someone who sees a few communities: their open tickets in
            # deadline order, without walking every community's open tickets.
            models.Index(
                fields=["community", "next_due"],
                name="ticket_community_open_idx",
                condition=Q(closed_at__isnull=True),
            ),
            models.Index(fields=["resident", "-id"], name="ticket_resident_idx"),
            # The manager's count of tickets recorded late (CMP-1), and the sweep's notices.
            models.Index(
                fields=["community", "-id"], name="ticket_late_idx", condition=Q(recorded_late=True)
            ),
            models.Index(fields=["status", "-id"], name="ticket_status_idx"),
            # Tickets by the customer's contact time, with their kind read from the index
            # alone: the homes' week against last week, the dashboard's and the reports'
            # periods. Without it each such count read every ticket (334 ms a count at
            # 1,000,000 tickets on SQLite, six on the manager's home after every change to a
            # ticket; bench/README.md, session 17).
            models.Index(fields=["contact_at", "kind"], name="ticket_contact_idx"),
            # The manager's banner on every page: open major complaints and emergencies not
            # yet acknowledged, newest first. The condition has no parameters, so SQLite can
            # match it against the query's own `IS NULL` terms.
            models.Index(
                fields=["severity", "-id"],
                name="ticket_unacked_idx",
                condition=Q(manager_acknowledged_at__isnull=True, closed_at__isnull=True),
            ),
            # The homes' counts (issue #12 Speed): overdue open tickets of one kind, and the
            # complaints whose investigation deadline passed with no decision.
            models.Index(
                fields=["kind", "next_due"],
                name="ticket_open_kind_due_idx",
                condition=Q(closed_at__isnull=True),
            ),
            models.Index(
                fields=["investigation_due"],
                name="ticket_investigation_idx",
                condition=Q(closed_at__isnull=True, decided_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    @property
    def is_overdue(self) -> bool:
        return overdue_at(self.next_due, self.is_closed, timezone.now())

    def rows(self, relation: str) -> list:
        """Its `dispatches`, `measures` or `return_visits`: those read with it for its page
        and the API (selectors.ticket_get_for_page keeps them in `page_rows`), else read
        through the ORM now."""
        kept = getattr(self, "page_rows", None)
        if kept is not None and relation in kept:
            return kept[relation]
        return list(getattr(self, relation).all())


class TicketEvent(models.Model):
    """The timeline: every event with who and when. Internal unless `public`."""

    # event_ticket_idx (ticket, at) serves every lookup by ticket.
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(_("事件"), max_length=16, choices=EventKind.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    body = models.TextField(_("内容"), blank=True)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices, blank=True)
    public = models.BooleanField(_("客户可见"), default=False)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("工单记录")
        verbose_name_plural = pgettext_lazy("plural", "工单记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "at"], name="event_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"


class Dispatch(models.Model):
    """Work sent to a department: a transfer (INQ-3) or an investigation task (CMP-3)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="dispatches")
    purpose = models.CharField(max_length=14, choices=DispatchPurpose.choices)
    department = models.ForeignKey(
        "properties.Department",
        on_delete=models.PROTECT,
        related_name="dispatches",
        verbose_name=_("部门"),
    )
    assignee = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("经办人"),
    )
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    due = models.DateTimeField(_("期限"), null=True, blank=True)
    reply = models.TextField(_("回复/调查结果"), blank=True)
    replied_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("部门任务")
        verbose_name_plural = pgettext_lazy("plural", "部门任务")
        ordering = ["id"]
        indexes = [models.Index(fields=["department", "replied_at"], name="dispatch_queue_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id}→{self.department_id}"

    @property
    def is_open(self) -> bool:
        return self.replied_at is None and self.cancelled_at is None


class CorrectiveMeasure(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="measures")
    what = models.TextField(_("整改措施"))
    department = models.ForeignKey(
        "properties.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("责任部门"),
    )
    owner = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("责任人"),
    )
    due = models.DateField(_("完成期限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    verified_at = models.DateTimeField(_("验证时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("整改措施")
        verbose_name_plural = pgettext_lazy("plural", "整改措施")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.what[:40]


class ReturnVisit(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="return_visits")
    at = models.DateTimeField(_("回访时间"), default=timezone.now)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("方式"), max_length=10, choices=Channel.choices)
    reached = models.BooleanField(_("联系上"))
    satisfaction = models.CharField(
        _("满意度"), max_length=14, choices=Satisfaction.choices, blank=True
    )
    words = models.TextField(_("客户原话"), blank=True)

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = pgettext_lazy("plural", "回访")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.at:%Y-%m-%d}"


class TicketSequence(models.Model):
    """Per-day counter behind readable numbers (20261127-0042), claimed by conditional update."""

    day = models.CharField(max_length=8, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}:{self.last}"


class Task(models.Model):
    """An ad-hoc task from a superior (SPE-5); it shows in the assignee's work."""

    title = models.CharField(_("任务"), max_length=120)
    description = models.TextField(_("说明"), blank=True)
    assignee = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("执行人")
    )
    due = models.DateTimeField(_("期限"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    result = models.TextField(_("完成情况"), blank=True)
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("相关工单"),
    )

    class Meta:
        verbose_name = _("交办任务")
        verbose_name_plural = pgettext_lazy("plural", "交办任务")
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["assignee", "done_at", "due"], name="task_inbox_idx")]

    def __str__(self) -> str:
        return self.title


class KnowledgeArticle(models.Model):
    """A standard answer (SPE-1), by category, in Chinese and English; every edit is a version."""

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="articles", verbose_name=_("分类")
    )
    question = models.CharField(_("问题"), max_length=200)
    answer = models.TextField(_("标准答复"))
    question_en = models.CharField(_("英文问题"), max_length=200, blank=True)
    answer_en = models.TextField(_("英文答复"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    active = models.BooleanField(_("启用"), default=True)
    updated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("知识库条目")
        verbose_name_plural = pgettext_lazy("plural", "知识库条目")
        ordering = ["category_id", "id"]

    def __str__(self) -> str:
        return self.question


class KnowledgeRevision(models.Model):
    article = models.ForeignKey(
        KnowledgeArticle, on_delete=models.CASCADE, related_name="revisions"
    )
    version = models.PositiveIntegerField()
    question = models.CharField(max_length=200)
    answer = models.TextField()
    question_en = models.CharField(max_length=200, blank=True)
    answer_en = models.TextField(blank=True)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["article", "version"], name="knowledge_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.version}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        TicketEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to="attachments/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"))
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    public = models.BooleanField(_("客户可见"), default=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = pgettext_lazy("plural", "附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


# A model of this app kept in its own module (tickets/models.py stays under 600 lines).
from wuyedesk.tickets.canned_models import CannedReply  # noqa: E402, F401
