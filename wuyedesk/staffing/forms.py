from django import forms
from django.utils.translation import gettext_lazy as _

from wuyedesk.core.forms import StyledFormMixin
from wuyedesk.properties.selectors import communities_visible_to
from wuyedesk.staffing import rules
from wuyedesk.staffing.choices import Duty, LeaveKind
from wuyedesk.staffing.models import Shift

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ShiftForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("班次名称"), max_length=40)
    start = forms.TimeField(label=_("上班时间"), widget=TIME)
    end = forms.TimeField(
        label=_("下班时间"), widget=TIME, help_text=_("早于上班时间表示次日下班(跨夜班)。")
    )


class RosterForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label=_("日期"), widget=DATE)
    user = forms.ModelChoiceField(label=_("值班人员"), queryset=None)
    shift = forms.ModelChoiceField(label=_("班次"), queryset=None)
    duty = forms.ChoiceField(label=_("岗位职责"), choices=Duty.choices)
    community = forms.ModelChoiceField(
        label=_("小区"), queryset=None, required=False, empty_label=_("本部门全部小区")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        department = rules.own_department_id(user)
        self.fields["user"].queryset = (
            rules.staff_users_of_department(department).select_related("staff")
            if department
            else rules.staff_users(user).none()
        ).order_by("staff__employee_no")
        self.fields["user"].label_from_instance = lambda u: u.staff.name
        self.fields["shift"].queryset = Shift.objects.filter(archived=False)
        self.fields["community"].queryset = communities_visible_to(user).filter(
            archived_at__isnull=True
        )


class LeaveForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("假别"), choices=LeaveKind.choices)
    start_date = forms.DateField(label=_("开始日期"), widget=DATE)
    end_date = forms.DateField(label=_("结束日期"), widget=DATE)
    reason = forms.CharField(
        label=_("事由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class CorrectionForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label=_("考勤日期"), widget=DATE)
    reason = forms.CharField(
        label=_("事由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("例如:门禁故障未能打卡、外出办事。"),
    )


class DecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("审批"), choices=[("approve", _("批准")), ("refuse", _("驳回"))]
    )
    reason = forms.CharField(label=_("审批意见"), max_length=500, required=False)


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("考勤机文件"),
        help_text=_("CSV 或 XLSX,列:工号、日期、上班时间、下班时间。"),
    )
