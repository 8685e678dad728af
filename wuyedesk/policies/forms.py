from django import forms
from django.utils.translation import gettext_lazy as _

from wuyedesk.core.forms import StyledFormMixin
from wuyedesk.policies.choices import EvaluationDecision, Severity
from wuyedesk.policies.models import PolicySettings
from wuyedesk.policies.services import regulation_fields
from wuyedesk.properties.models import Department

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class PolicySettingsForm(StyledFormMixin, forms.ModelForm):
    """The settings section of a draft of the regulation: every regulation field of the
    model (services.regulation_fields), validated by the model's validators and clean()."""

    complaint_notify_severities = forms.MultipleChoiceField(
        label=_("立即通知经理的投诉严重程度"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("CMP-2:这些严重程度的投诉一经登记即通知经理。"),
    )

    class Meta:
        model = PolicySettings
        fields = regulation_fields()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["complaint_notify_severities"].choices = Severity.choices


class VersionForm(StyledFormMixin, forms.Form):
    summary = forms.CharField(label=_("修订说明"), max_length=300, required=False)
    next_review_on = forms.DateField(
        label=_("下次评估日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    requires_staff_consultation = forms.BooleanField(label=_("须经职工民主程序"), required=False)
    staff_consultation_record = forms.CharField(
        label=_("职工讨论协商记录"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "涉及劳动纪律、劳动报酬、培训等切身利益的规章,须与职工代表或全体职工讨论协商。"
        ),
    )


class SectionForm(StyledFormMixin, forms.Form):
    heading = forms.CharField(label=_("章节标题"), max_length=120)
    body = forms.CharField(
        label=_("正文"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("可用段落、加粗、列表、表格等简单格式(HTML);其余标记保存时会被清除。"),
    )
    requirements = forms.CharField(
        label=_("对应需求编号"),
        required=False,
        max_length=300,
        help_text=_("以逗号分隔,如 INQ-1, INQ-4"),
    )
    position = forms.IntegerField(label=_("顺序"), min_value=0, max_value=999, required=False)


class ConsultForm(StyledFormMixin, forms.Form):
    departments = forms.ModelMultipleChoiceField(
        label=_("征求意见部门"),
        queryset=Department.objects.filter(archived_at__isnull=True).order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    comment = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CommentForm(StyledFormMixin, forms.Form):
    section = forms.TypedChoiceField(label=_("章节"), coerce=int, required=False, empty_value=None)
    body = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", _("整体意见"))] + [
            (s.pk, s.heading) for s in sections
        ]


class StepForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ApproveForm(StyledFormMixin, forms.Form):
    effective_at = forms.DateTimeField(
        label=_("生效时间"),
        input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
    )
    comment = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConcludeForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("决定"), choices=EvaluationDecision.choices, widget=forms.RadioSelect
    )
    conclusion = forms.CharField(label=_("评估结论"), widget=forms.Textarea(attrs={"rows": 4}))
    next_review_on = forms.DateField(
        label=_("下次评估日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("继续执行时必填。"),
    )
