from django import forms
from django.utils.translation import gettext_lazy as _

from wuyedesk.core.forms import CleanTextMixin
from wuyedesk.dataquality.services import REASON_MAX


class MergeForm(CleanTextMixin, forms.Form):
    survivor = forms.IntegerField(label=_("保留的档案"), widget=forms.RadioSelect)

    def __init__(self, *args, pair=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].widget = forms.RadioSelect(
            choices=[(r.pk, f"#{r.pk} {r.name}") for r in pair]
        )


class DismissForm(CleanTextMixin, forms.Form):
    kind = forms.CharField(widget=forms.HiddenInput)
    object_id = forms.IntegerField(widget=forms.HiddenInput)
    other_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=_("原因"), max_length=REASON_MAX, required=False)
