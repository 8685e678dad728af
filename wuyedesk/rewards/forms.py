from django import forms
from django.utils.translation import gettext_lazy as _

from wuyedesk.core.forms import StyledFormMixin
from wuyedesk.rewards import selectors
from wuyedesk.rewards.choices import MeasureKind
from wuyedesk.supervision.selectors import inspections_visible_to
from wuyedesk.tickets.selectors import tickets_visible_to

TEXT = forms.Textarea(attrs={"rows": 3})


class ProposeForm(StyledFormMixin, forms.Form):
    staff = forms.ModelChoiceField(label=_("员工"), queryset=None)
    kind = forms.ChoiceField(label=_("奖惩类型"), choices=[("", "---------"), *MeasureKind.choices])
    amount = forms.DecimalField(
        label=_("奖金金额(元)"),
        required=False,
        max_digits=10,
        decimal_places=2,
        help_text=_("仅奖金填写。"),
    )
    facts = forms.CharField(label=_("事实经过"), max_length=5000, widget=TEXT)
    reason = forms.CharField(label=_("理由"), max_length=5000, widget=TEXT)
    ticket = forms.CharField(label=_("相关工单编号"), max_length=20, required=False)
    complaint = forms.CharField(label=_("相关投诉编号"), max_length=20, required=False)
    inspection = forms.IntegerField(
        label=_("相关检查编号"), required=False, min_value=1, max_value=2**63 - 1
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        me = getattr(user, "staff", None)
        staff = selectors.reach_of(user).filter(archived_at__isnull=True)
        if me is not None:
            staff = staff.exclude(pk=me.pk)
        self.fields["staff"].queryset = staff.order_by("employee_no")

    def _ticket(self, name):
        number = (self.cleaned_data.get(name) or "").strip()
        if not number:
            return None
        found = tickets_visible_to(self.user).filter(number=number).first()
        if found is None:
            raise forms.ValidationError(_("找不到该工单,或不在您的权限范围内。"))
        return found

    def clean_ticket(self):
        return self._ticket("ticket")

    def clean_complaint(self):
        return self._ticket("complaint")

    def clean_inspection(self):
        pk = self.cleaned_data.get("inspection")
        if not pk:
            return None
        found = inspections_visible_to(self.user).filter(pk=pk).first()
        if found is None:
            raise forms.ValidationError(_("找不到该检查,或不在您的权限范围内。"))
        return found


class DecisionForm(StyledFormMixin, forms.Form):
    remarks = forms.CharField(label=_("审批意见"), required=False, max_length=5000, widget=TEXT)


class AppealForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("申诉理由"), max_length=5000, widget=TEXT)


class AppealDecisionForm(StyledFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("申诉结果"),
        choices=[("accepted", _("申诉成立")), ("rejected", _("申诉驳回"))],
        widget=forms.RadioSelect,
    )
    remarks = forms.CharField(label=_("处理意见"), max_length=5000, widget=TEXT)


class FromAppraisalForm(StyledFormMixin, forms.Form):
    cycle = forms.ModelChoiceField(label=_("考核周期"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        from wuyedesk.rewards.from_appraisal import cycles_for

        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = cycles_for(user)
