from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuyedesk.core.forms import StyledFormMixin
from wuyedesk.telephony.choices import CallOutcome, Direction, Purpose
from wuyedesk.tickets.choices import Audience, Satisfaction, mark_audience
from wuyedesk.tickets.selectors import ticket_by_number

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class CallLogForm(StyledFormMixin, forms.Form):
    direction = forms.ChoiceField(
        label=_("方向"), choices=Direction.choices, initial=Direction.OUTBOUND
    )
    purpose = forms.ChoiceField(label=_("目的"), choices=Purpose.choices, initial=Purpose.GENERAL)
    ticket = forms.CharField(
        label=_("工单编号"),
        max_length=20,
        required=False,
        help_text=_("跟进和回访电话必填,如 20261127-0001。"),
    )
    number = forms.CharField(
        label=_("电话"),
        max_length=40,
        required=False,
        help_text=_("可不填:默认取工单客户的电话。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    started_at = forms.DateTimeField(
        label=_("开始时间"),
        input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
    )
    minutes = forms.IntegerField(label=_("时长(分钟)"), min_value=0, max_value=600, required=False)
    outcome = forms.ChoiceField(
        label=_("结果"), choices=CallOutcome.choices, initial=CallOutcome.ANSWERED
    )
    satisfaction = forms.ChoiceField(
        label=_("客户满意度(回访接通时)"),
        choices=[("", "—"), *Satisfaction.choices],
        required=False,
    )
    notes = mark_audience(
        forms.CharField(
            label=_("通话内容"),
            widget=forms.Textarea(attrs={"rows": 4}),
            max_length=5000,
            required=False,
        ),
        Audience.INTERNAL,
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("started_at", timezone.localtime().replace(second=0))

    def clean_ticket(self):
        number = self.cleaned_data["ticket"].strip()
        if not number:
            return None
        ticket = ticket_by_number(self.user, number)
        if ticket is None:
            raise forms.ValidationError(
                _("找不到该工单,或不在您的权限范围内。"), code="invalid_choice"
            )
        return ticket

    def call_fields(self) -> dict:
        data = self.cleaned_data
        minutes = data.get("minutes")
        return {
            "direction": data["direction"],
            "purpose": data["purpose"],
            "ticket": data["ticket"],
            "number": data["number"],
            "started_at": data["started_at"],
            "duration": minutes * 60 if minutes is not None else None,
            "outcome": data["outcome"],
            "satisfaction": data["satisfaction"],
            "notes": data["notes"],
        }


class CallLinkForm(StyledFormMixin, forms.Form):
    ticket = forms.CharField(label=_("工单编号"), max_length=20, required=False)
    outcome = forms.ChoiceField(
        label=_("结果"), choices=[("", "—"), *CallOutcome.choices], required=False
    )
    notes = mark_audience(
        forms.CharField(
            label=_("通话内容"),
            widget=forms.Textarea(attrs={"rows": 3}),
            max_length=5000,
            required=False,
        ),
        Audience.INTERNAL,
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    clean_ticket = CallLogForm.clean_ticket


class ExtensionForm(StyledFormMixin, forms.Form):
    extension = forms.CharField(
        label=_("分机号"),
        max_length=10,
        required=False,
        help_text=_("来电弹屏按分机号找到您。留空则不弹屏。"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class IntegrationForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60)
    source = forms.SlugField(
        label=_("来源标识"),
        max_length=40,
        help_text=_("电话系统的标识,如 asterisk-hq;通话编号在同一来源内唯一。更换令牌时沿用。"),
    )
