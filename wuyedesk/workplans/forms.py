from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuyedesk.accounts.selectors import active_staff
from wuyedesk.core.forms import StyledFormMixin
from wuyedesk.properties.selectors import communities_visible_to
from wuyedesk.workplans.choices import SECTIONS, Cadence, Comparison, PlanPeriod
from wuyedesk.workplans.figures import metric_choices

DATE = forms.DateInput(attrs={"type": "date"})


def _communities(user):
    return communities_visible_to(user).filter(archived_at__isnull=True)


class PlanForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=120)
    period = forms.ChoiceField(label=_("计划周期"), choices=PlanPeriod.choices)
    day = forms.DateField(
        label=_("计划所在日期"), widget=DATE, help_text=_("计划覆盖包含此日期的整月、季度或年度。")
    )
    community = forms.ModelChoiceField(
        label=_("小区"), queryset=None, required=False, empty_label=_("全公司")
    )
    notes = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = _communities(user)
        self.fields["day"].initial = timezone.localdate()


class TargetForm(StyledFormMixin, forms.Form):
    metric = forms.ChoiceField(label=_("指标"), choices=())
    comparison = forms.ChoiceField(
        label=_("比较方向"),
        choices=[("", _("按指标默认")), *Comparison.choices],
        required=False,
    )
    value = forms.DecimalField(label=_("目标值"), max_digits=7, decimal_places=2, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = metric_choices()


class InitiativeForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("工作举措"), max_length=300)
    owner = forms.ModelChoiceField(label=_("负责人"), queryset=None)
    due = forms.DateField(label=_("完成期限"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = active_staff(user).order_by("employee_no")


class ReportRequestForm(StyledFormMixin, forms.Form):
    cadence = forms.ChoiceField(label=_("报告类型"), choices=Cadence.choices)
    day = forms.DateField(
        label=_("报告期间内的日期"),
        widget=DATE,
        help_text=_("报告覆盖包含此日期的整周、整月或整季度。"),
    )
    community = forms.ModelChoiceField(
        label=_("小区"), queryset=None, required=False, empty_label=_("全公司")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = _communities(user)
        self.fields["day"].initial = timezone.localdate()


class CommentaryForm(StyledFormMixin, forms.Form):
    """One commentary per section of the report."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in SECTIONS.items():
            self.fields[key] = forms.CharField(
                label=label,
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def commentary(self) -> dict:
        return {key: self.cleaned_data.get(key, "") for key in SECTIONS}


class DecisionForm(StyledFormMixin, forms.Form):
    remarks = forms.CharField(
        label=_("经理意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
