from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuyedesk.appraisal.choices import DisputeStatus
from wuyedesk.core.forms import StyledFormMixin

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class CycleOpenForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(
        label=pgettext_lazy("appraisal", "年度"), min_value=2000, max_value=2100
    )
    quarter = forms.TypedChoiceField(
        label=pgettext_lazy("appraisal", "季度"),
        coerce=int,
        choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)],
    )


class SelfForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("自我评价"), widget=TEXTAREA, max_length=2000)


class ReviewForm(StyledFormMixin, forms.Form):
    rating = forms.IntegerField(label=_("经理评分(服务态度,0–100)"), min_value=0, max_value=100)
    reason = forms.CharField(label=_("评分理由"), widget=TEXTAREA, max_length=2000)
    comment = forms.CharField(label=_("评审意见"), widget=TEXTAREA, max_length=2000, required=False)


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("原因"), widget=TEXTAREA, max_length=2000)


class DisputeForm(StyledFormMixin, forms.Form):
    item = forms.IntegerField(required=False, widget=forms.HiddenInput)
    ref = forms.IntegerField(required=False, widget=forms.HiddenInput)
    comment = forms.CharField(label=_("申诉理由"), widget=TEXTAREA, max_length=2000)


class AnswerForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("答复结果"),
        choices=[c for c in DisputeStatus.choices if c[0] != DisputeStatus.OPEN],
    )
    answer = forms.CharField(label=_("答复理由"), widget=TEXTAREA, max_length=2000)
    adjusted = forms.DecimalField(
        label=_("调整后分值"),
        required=False,
        min_value=-100,
        max_value=100,
        decimal_places=1,
        help_text=_("部分采纳时填写:该记录按此分值计入。"),
    )

    @classmethod
    def for_dispute(cls, dispute_pk: int, data=None):
        """The answer form of one dispute: the appraisal's page shows one per open dispute,
        so each has its own ids (id_dispute<pk>_decision, …; labels and error texts point at
        its own fields); the field names stay those the answer's POST binds."""
        return cls(data, auto_id=f"id_dispute{dispute_pk}_%s")
