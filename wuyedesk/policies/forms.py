from django import forms
from django.utils.translation import gettext_lazy as _

from wuyedesk.core.forms import StyledFormMixin
from wuyedesk.policies.choices import Severity
from wuyedesk.policies.models import PolicySettings
from wuyedesk.policies.services import EDITABLE


class PolicySettingsForm(StyledFormMixin, forms.ModelForm):
    """A change to the settings in force; saving it writes a new version (policy_update)."""

    complaint_notify_severities = forms.MultipleChoiceField(
        label=_("立即通知经理的投诉严重程度"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("CMP-2:这些严重程度的投诉一经登记即通知经理。"),
    )
    # The version the person edited; a newer one means somebody else changed the settings.
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PolicySettings
        fields = [*EDITABLE, "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["complaint_notify_severities"].choices = Severity.choices
        self.fields["based_on"].initial = self.instance.pk
        self.initial["note"] = ""  # a note explains this change, not the previous one
