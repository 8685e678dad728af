from django import forms
from django.utils.translation import gettext_lazy as _

from wuyedesk.audit.models import ACCESS_ACTIONS
from wuyedesk.core.forms import StyledFormMixin

MAX_ID = 2**63 - 1


class AccessLogFilterForm(StyledFormMixin, forms.Form):
    """The access log's filters, shared by the page (GET) and the API's query schema."""

    person = forms.CharField(label=_("操作人(账号或姓名)"), required=False, max_length=150)
    resident_name = forms.CharField(label=_("住户姓名"), required=False, max_length=100)
    action = forms.ChoiceField(
        label=_("访问类型"),
        required=False,
        choices=[("", "—"), *[(a.value, a.label) for a in ACCESS_ACTIONS]],
    )
    since = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # Set by the links on the page (a person's or a resident's rows), not typed.
    actor = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )
    resident = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("截止日期不能早于起始日期。"))
        return data
