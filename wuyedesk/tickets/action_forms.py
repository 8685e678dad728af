"""The forms of the ticket page, one per action, and the queue filters.

Forms only parse input into the types a service takes; the rules (a transfer needs a reason,
a return visit that reached the customer needs a satisfaction, …) live in the services, whose
ValidationError is put back on the form by `add_service_error`.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from wuyedesk.accounts.access import community_ids, staff_of
from wuyedesk.accounts.forms import StaffChoiceField
from wuyedesk.core import reference
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.core.forms import RowChoices, StyledFormMixin
from wuyedesk.properties.selectors import (
    active_communities,
    active_departments,
)
from wuyedesk.tickets import pickers, selectors
from wuyedesk.tickets.choices import (
    AckMethod,
    Audience,
    Channel,
    Kind,
    Satisfaction,
    Severity,
    Status,
    mark_audience,
)
from wuyedesk.tickets.models import Category, Dispatch
from wuyedesk.tickets.services import DESK_POSTS
from wuyedesk.training.selectors import induction_blocked_ids


def _text(label, *, audience, rows=3, required=False, help_text=None):
    """A text box of the ticket page, saying who will read it (tickets/visibility.py)."""
    field = forms.CharField(
        label=label, required=required, strip=False, widget=forms.Textarea(attrs={"rows": rows})
    )
    return mark_audience(field, audience, help_text)


INTERNAL, DEPARTMENT, CUSTOMER = Audience.INTERNAL, Audience.DEPARTMENT, Audience.CUSTOMER


def _channel(label=None):
    label = label or _("方式")
    return forms.ChoiceField(label=label, choices=Channel.choices, initial=Channel.PHONE)


def _departments(user):
    return active_departments(user).order_by("code")


def _department_choices(user) -> tuple:
    """(pk, name) of `_departments(user)`, held in the process until the reference data
    changes (core/reference.py), per scope: the investigation form is the ticket page's next
    step for every new complaint, and its query was 0.3 ms of the page's CPU (issue #12)."""
    ids = community_ids(user)
    staff = staff_of(user)
    key = (
        "ticket-form-departments",
        None if ids is None else tuple(sorted(ids)),
        staff.department_id if staff else None,
    )
    return reference.memo(key, lambda: tuple((d.pk, str(d)) for d in _departments(user)))


def _default_department(ticket):
    """The id of the ticket's category's default department (set on /settings/categories/)."""
    return getattr(getattr(ticket, "category", None), "default_department_id", None)


class ActionForm(StyledFormMixin, forms.Form):
    """A form of the ticket page: knows the user and the ticket, carries the version seen."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, ticket, **kwargs):
        self.user, self.ticket = user, ticket
        kwargs.setdefault("initial", {}).setdefault("version", ticket.version)
        super().__init__(*args, **kwargs)

    def clean(self):
        """Errors of hidden fields (a dispatch answered meanwhile, a mangled version) have no
        place on the page: they are shown above the form instead."""
        data = super().clean()
        for name, field in self.fields.items():
            if field.widget.is_hidden and name in self._errors:
                self.add_error(None, self._errors.pop(name))
        return data

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's ValidationError on the field it names, or above the form."""
        add_service_error(self, error)


class DepartmentPersonField(StaffChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.staff.name}({obj.staff.department.name})"


class TransferForm(ActionForm):
    department = forms.ModelChoiceField(label=_("转至部门"), queryset=None)
    assignee = DepartmentPersonField(
        label=_("指定处理人"),
        queryset=None,
        required=False,
        empty_label=_("由部门安排"),
        help_text=_("不指定时通知部门全体人员。"),
    )
    note = _text(
        _("转办原因/说明"),
        audience=DEPARTMENT,
        help_text=_("部门可见:写给所选部门的说明。业主只看到“已转交某部门处理”,看不到这段文字。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departments = _departments(self.user)
        self.fields["department"].queryset = departments
        self.fields["assignee"].queryset = selectors.department_people(departments)
        # The category's default department (the category tree editor) comes preselected.
        self.fields["department"].initial = _default_department(self.ticket)
        # The options as plain rows grouped by department: a company's few hundred people
        # cost a page ~18 ms read as model instances (bench/README.md, issue #12 Speed).
        empty = [("", self.fields["assignee"].empty_label)]
        groups = pickers.department_people_choices(departments)
        # MGT-4: who has not passed the induction is not handed work alone, so not offered.
        blocked = induction_blocked_ids(pk for _d, people in groups for pk, _n in people)
        groups = [(d, [(pk, n) for pk, n in people if pk not in blocked]) for d, people in groups]
        self.fields["assignee"].choices = RowChoices(empty + [g for g in groups if g[1]])

    def clean(self):
        data = super().clean()
        person, department = data.get("assignee"), data.get("department")
        if person and department and person.staff.department_id != department.pk:
            self.add_error("assignee", _("所选人员不属于该部门。"))
        return data


class DispatchReplyForm(ActionForm):
    """A department's reply to a transfer, or its findings for an investigation."""

    purpose = ""
    dispatch = forms.ModelChoiceField(
        queryset=None,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("该任务已答复或已取消,请刷新页面。")},
    )
    text = _text(_("回复内容"), rows=3, audience=INTERNAL)

    def __init__(self, *args, dispatches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispatch"].queryset = Dispatch.objects.filter(
            pk__in=[d.pk for d in dispatches]
        ).select_related("ticket", "department")


class ReplyForm(DispatchReplyForm):
    slug, purpose = "reply", "transfer"


class FindingsForm(DispatchReplyForm):
    slug, purpose = "findings", "investigation"
    text = _text(_("调查结果"), rows=3, audience=INTERNAL)


class FollowUpForm(ActionForm):
    channel = _channel(_("联系方式"))
    text = _text(
        _("与客户沟通的内容"),
        audience=INTERNAL,
        help_text=_(
            "仅内部可见:您与客户的一次联系(电话、来访等)的记录。它满足跟进时限,"
            "也是咨询、报修、建议关闭前必需的一步;业主只看到“客服已跟进”。"
            "要让业主读到的话,请用“给客户的消息”(不计为跟进)。"
        ),
    )


class EscalateForm(ActionForm):
    reason = _text(_("上报原因"), rows=2, audience=INTERNAL)


class InvestigateForm(ActionForm):
    departments = forms.ModelMultipleChoiceField(
        label=_("调查部门"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = _text(
        _("调查要求"),
        rows=2,
        audience=DEPARTMENT,
        help_text=_("部门可见:所选调查部门的人员会读到;业主看不到。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:  # what it accepts (a form only drawn accepts nothing: 0.05 ms)
            self.fields["departments"].queryset = _departments(self.user)
        self.fields["departments"].choices = _department_choices(self.user)  # what it draws
        default = _default_department(self.ticket)
        self.fields["departments"].initial = [default] if default else []


class MeasureForm(StyledFormMixin, forms.Form):
    what = mark_audience(
        forms.CharField(label=_("整改措施"), required=False),
        Audience.DEPARTMENT,
        _("部门可见:责任部门的人员会读到;业主看不到。"),
    )
    department = forms.ModelChoiceField(label=_("责任部门"), queryset=None, required=False)
    owner = StaffChoiceField(label=_("责任人"), queryset=None, required=False)
    due = forms.DateField(
        label=_("完成期限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, departments, owners, department_choices, owner_choices, **kw):
        super().__init__(*args, **kw)
        self.fields["department"].queryset = departments
        self.fields["owner"].queryset = owners
        # Evaluated once for all rows instead of one query per row and field.
        self.fields["department"].choices = department_choices
        self.fields["owner"].choices = owner_choices

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not any(data.get(name) for name in ("what", "department", "owner", "due"))


MeasureFormSet = forms.formset_factory(MeasureForm, extra=3, max_num=10, absolute_max=10)


class DecideForm(ActionForm):
    decision = _text(_("处理决定"), rows=3, audience=INTERNAL)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departments = _departments(self.user)
        owners = selectors.staff_users(
            communities=[self.ticket.community_id],
            posts=[*DESK_POSTS, "department"],
        )
        empty = [("", "---------")]
        dept_choices = empty + list(_department_choices(self.user))
        owner_choices = empty + [(u.pk, u.staff.name) for u in owners]
        self.measures = MeasureFormSet(
            self.data if self.is_bound else None,
            prefix="m",
            form_kwargs={
                "departments": departments,
                "owners": owners,
                "department_choices": dept_choices,
                "owner_choices": owner_choices,
            },
        )

    def is_valid(self):
        return super().is_valid() & self.measures.is_valid()

    def filled_measures(self):
        """The measure rows that were filled in, with their form (for errors)."""
        return [f for f in self.measures.forms if not f.is_blank()]

    def measure_dicts(self):
        return [dict(f.cleaned_data) for f in self.filled_measures()]

    def add_service_error(self, error):
        if hasattr(error, "error_dict"):
            rows = self.filled_measures()
            rest = {}
            for field, errors in error.error_dict.items():
                parts = field.split(".")
                if len(parts) == 3 and parts[0] == "measures" and parts[1].isdigit():
                    index = int(parts[1])
                    if index < len(rows):
                        rows[index].add_error(parts[2], errors)
                        continue
                rest[field] = errors
            if not rest:
                self.add_error(None, _("请更正整改措施中标出的错误。"))
                return
            error = ValidationError(rest)
        super().add_service_error(error)


class FeedbackForm(ActionForm):
    channel = _channel()
    text = _text(
        _("向客户反馈的处理结果"),
        audience=CUSTOMER,
        help_text=_(
            "客户可见:业主会读到这段文字。记录后开始回访时限,也算作跟进;"
            "投诉须先反馈处理结果、再回访,才能关闭。"
        ),
    )


REACHED_CHOICES = [("1", _("联系上")), ("0", _("未联系上"))]


class ReturnVisitForm(ActionForm):
    channel = _channel()
    reached = forms.TypedChoiceField(
        label=_("是否联系上"),
        choices=REACHED_CHOICES,
        coerce=lambda value: value == "1",
        initial="1",
    )
    satisfaction = forms.ChoiceField(
        label=_("满意度"), choices=[("", "---------"), *Satisfaction.choices], required=False
    )
    words = _text(_("客户原话"), rows=2, audience=INTERNAL)


class ReopenForm(ActionForm):
    reason = _text(_("重新打开的原因"), rows=2, audience=INTERNAL)


class CloseForm(ActionForm):
    note = _text(_("关闭说明"), rows=2, audience=INTERNAL)


class CommentForm(ActionForm):
    text = _text(_("内部备注(客户不可见)"), rows=2, audience=INTERNAL)


class MessageForm(ActionForm):
    channel = forms.ChoiceField(
        label=_("方式"), choices=[("", "---------"), *Channel.choices], required=False
    )
    text = _text(
        _("给客户的消息(客户可见)"),
        rows=2,
        audience=CUSTOMER,
        help_text=_(
            "客户可见:业主会读到这段文字(业主服务、短信等)。它不计为跟进,也不是处理结果:"
            "记录一次联系请用“跟进客户”,投诉的处理结果请用“反馈处理结果”。"
        ),
    )


class AssignForm(ActionForm):
    owner = StaffChoiceField(label=_("负责人"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        owners = selectors.staff_users(communities=[self.ticket.community_id], posts=DESK_POSTS)
        self.fields["owner"].queryset = owners
        choices = pickers.staff_user_choices(owners)
        # MGT-4: who has not passed the induction is not offered; the help text names them.
        blocked = induction_blocked_ids(pk for pk, _name in choices)
        self.fields["owner"].choices = RowChoices(
            [("", self.fields["owner"].empty_label)]
            + [(pk, name) for pk, name in choices if pk not in blocked]
        )
        if blocked:
            names = "、".join(name for pk, name in choices if pk in blocked)
            self.fields["owner"].help_text = _(
                "未通过入职培训的人员不能被指派为负责人:%(names)s"
            ) % {"names": names}
        self.fields["owner"].initial = self.ticket.owner_id


class MergeForm(ActionForm):
    into = forms.CharField(
        label=_("合并到工单(编号)"),
        max_length=20,
        required=False,
        help_text=_("只能合并到同类工单;不同类型之间的合并须由经理填写原因。"),
    )
    reason = _text(_("合并原因(不同类型时必填)"), rows=2, audience=INTERNAL)

    def clean_into(self):
        number = self.cleaned_data["into"].strip()
        if not number:
            raise ValidationError(_("请输入要合并到的工单编号。"), code="required")
        target = selectors.ticket_by_number(self.user, number)
        if target is None:
            raise ValidationError(_("找不到编号为 %(number)s 的工单。"), params={"number": number})
        return target


class LinkForm(ActionForm):
    other = forms.CharField(label=_("相关工单(编号)"), max_length=20, required=False)
    remove = forms.BooleanField(label=_("取消关联"), required=False)

    def clean_other(self):
        number = self.cleaned_data["other"].strip()
        if not number:
            raise ValidationError(_("请输入相关工单的编号。"), code="required")
        target = selectors.ticket_by_number(self.user, number)
        if target is None:
            raise ValidationError(_("找不到编号为 %(number)s 的工单。"), params={"number": number})
        return target


class IncidentLinkForm(ActionForm):
    incident = forms.ModelChoiceField(label=_("关联到事件"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incident"].queryset = selectors.incidents_visible_to(self.user).filter(
            community_id=self.ticket.community_id, closed_at__isnull=True
        )


class AcknowledgeForm(ActionForm):
    pass


class ReceiptForm(ActionForm):
    """The customer told that their contact is recorded (ISO 10002 acknowledgement)."""

    method = forms.ChoiceField(label=_("告知方式"), choices=AckMethod.choices)
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_audience(self.fields["note"], Audience.INTERNAL)


class MeasureMarkForm(ActionForm):
    measure = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    op = forms.ChoiceField(
        choices=[("done", "done"), ("verify", "verify")], widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = self.ticket.measures.all()


class AttachmentForm(ActionForm):
    file = forms.FileField(label=_("文件"), required=False)
    public = forms.BooleanField(label=_("客户可见"), required=False)


# --- queue filters ------------------------------------------------------------------------


def _blank(choices):
    return RowChoices([("", _("全部")), *choices])


def _id_field(label):
    """A choice of one row by id; the choices are (id, label) pairs read with values_list,
    so a manager's 200 communities cost one light query, not 200 model instances."""
    return forms.TypedChoiceField(label=label, coerce=int, required=False, empty_value=None)


# The slices of tickets.selectors (due_q, attention_q) a home's numbers open.
DUE_CHOICES = [
    ("overdue", _("已超时")),
    ("soon", _("即将到期(提醒时间内)")),
    ("today", _("今天到期")),
]
ATTENTION_CHOICES = [
    ("unacknowledged", _("待经理确认的重大投诉/突发事件")),
    ("investigation_late", _("调查处理超时")),
    ("recorded_late", _("迟登记")),
]


class QueueFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    community = _id_field(_("小区"))
    kind = forms.ChoiceField(label=_("类型"), choices=_blank(Kind.choices), required=False)
    category = _id_field(_("分类"))
    status = forms.ChoiceField(label=_("状态"), choices=_blank(Status.choices), required=False)
    severity = forms.ChoiceField(
        label=_("严重程度"), choices=_blank(Severity.choices), required=False
    )
    channel = forms.ChoiceField(label=_("渠道"), choices=_blank(Channel.choices), required=False)
    date_from = forms.DateField(
        label=_("联系日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    department = _id_field(_("部门"))
    due = forms.ChoiceField(label=_("期限"), choices=_blank(DUE_CHOICES), required=False)
    attention = forms.ChoiceField(
        label=_("需关注"), choices=_blank(ATTENTION_CHOICES), required=False
    )
    resident = forms.IntegerField(required=False, widget=forms.HiddenInput)

    FILTERS = ("community", "kind", "category", "status", "severity", "channel")
    # Every field a request may carry: with none of them given, the queue is unfiltered.
    FIELDS = ("q", *FILTERS, "date_from", "date_to", "department", "due", "attention", "resident")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communities = active_communities(user)
        self.fields["community"].choices = _blank(communities.values_list("pk", "name"))
        categories = Category.objects.filter(active=True).order_by(
            F("parent__position").asc(nulls_first=True), "parent_id", "position", "code"
        )
        self.fields["category"].choices = _blank(
            (pk, f"{parent}/{name}" if parent else name)
            for pk, name, parent in categories.values_list("pk", "name", "parent__name")
        )
        self.fields["department"].choices = _blank(_departments(user).values_list("pk", "name"))
        for name in ("q", "date_from", "date_to"):
            self.fields[name].widget.attrs["class"] += " form-control-sm"
        for name in ("community", "kind", "category", "status", "severity", "channel"):
            self.fields[name].widget.attrs["class"] += " form-select-sm"
        for name in ("due", "attention"):
            self.fields[name].widget.attrs["class"] += " form-select-sm"
        self.fields["department"].widget.attrs["class"] += " form-select-sm"
