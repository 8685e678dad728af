"""Forms of the survey pages. The answer form only renders and keeps what was typed; the
service (validate_answers) is the one validator, for the web and the API alike."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wuyedesk.accounts.models import Staff
from wuyedesk.core.forms import CleanTextMixin, StyledFormMixin
from wuyedesk.surveys.choices import CallOutcome, QuestionKind, SamplingMode
from wuyedesk.surveys.models import Answer, Dimension, QuestionnaireVersion

RATING_LABELS = {
    1: _("很不满意"),
    2: _("不满意"),
    3: _("一般"),
    4: _("满意"),
    5: _("很满意"),
}


CHECK = {"class": "form-check-input"}


class AnswerForm(CleanTextMixin, forms.Form):
    """One field per question (q<pk>), none validated here."""

    def __init__(self, *args, version: QuestionnaireVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.sections = []
        questions = version.questions.select_related("section").order_by(
            "section__position", "section_id", "position", "id"
        )
        current = None
        for q in questions:
            name = f"q{q.pk}"
            if q.kind == QuestionKind.RATING:
                options = [(str(n), f"{n} {RATING_LABELS[n]}") for n in range(1, 6)]
                widget = forms.RadioSelect(attrs=CHECK, choices=options)
            elif q.kind == QuestionKind.NPS:
                widget = forms.RadioSelect(
                    attrs=CHECK, choices=[(str(n), str(n)) for n in range(0, 11)]
                )
            elif q.kind == QuestionKind.SINGLE:
                widget = forms.RadioSelect(attrs=CHECK, choices=q.choice_options())
            elif q.kind == QuestionKind.MULTIPLE:
                widget = forms.CheckboxSelectMultiple(attrs=CHECK, choices=q.choice_options())
            else:
                widget = forms.Textarea(
                    attrs={"rows": 3, "class": "form-control", "maxlength": Answer.TEXT_MAX}
                )
            self.fields[name] = forms.Field(required=False, label=q.label, widget=widget)
            self.fields[name].question = q
            if current is None or current[0].pk != q.section_id:
                current = (q.section, [])
                self.sections.append(current)
            current[1].append(name)

    def raw_answers(self) -> dict:
        """What was submitted, keyed q<pk>, as the service expects it."""
        data = {}
        for name, field in self.fields.items():
            value = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            data[name] = value
        return data

    def grouped(self):
        """[(section, [bound field, …]), …] for the template."""
        return [(section, [self[name] for name in names]) for section, names in self.sections]

    def show_errors(self, error) -> None:
        """Put a service's ValidationError on the fields it names."""
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)

    def full_clean(self):
        # Validation is the service's; keep errors added by show_errors.
        if self._errors is None:
            self._errors = forms.utils.ErrorDict()
            self.cleaned_data = {}


class CallAttemptForm(StyledFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("拨打结果"),
        choices=[(v, label) for v, label in CallOutcome.choices if v != CallOutcome.COMPLETED],
    )
    call_back_at = forms.DateTimeField(
        label=_("约定回拨时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    notes = forms.CharField(label=_("备注"), required=False, max_length=300)


class CampaignForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100, required=False)
    quarter = forms.CharField(
        label=_("调查期"),
        max_length=10,
        required=False,
        help_text=_("留空按当前季度,例如 2026Q4。"),
    )
    version = forms.ModelChoiceField(label=_("问卷版本"), queryset=QuestionnaireVersion.objects)
    communities = forms.ModelMultipleChoiceField(
        label=_("调查小区"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    sampling = forms.ChoiceField(label=_("调查范围"), choices=SamplingMode.choices)
    confidence = forms.TypedChoiceField(
        label=_("置信度(%)"), coerce=int, choices=[(90, "90%"), (95, "95%"), (99, "99%")]
    )
    margin_points = forms.IntegerField(label=_("允许误差(百分点)"), min_value=1, max_value=20)
    specialists = forms.ModelMultipleChoiceField(
        label=_("电话调查人员"),
        queryset=Staff.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("留空则由所选小区的全部客服专员分担。"),
    )

    def __init__(self, *args, communities, specialists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communities"].queryset = communities
        self.fields["specialists"].queryset = specialists
        self.fields["version"].queryset = QuestionnaireVersion.objects.filter(
            published_at__isnull=False
        ).select_related("questionnaire")


class QuestionnaireForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("编码"), max_length=32)
    title = forms.CharField(label=_("标题"), max_length=100)
    title_en = forms.CharField(label=_("英文标题"), max_length=150, required=False)


class SectionForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=100)
    title_en = forms.CharField(label=_("英文标题"), max_length=150, required=False)
    position = forms.IntegerField(label=_("排序"), min_value=0, required=False)


class QuestionForm(StyledFormMixin, forms.Form):
    section = forms.ModelChoiceField(label=_("所属部分"), queryset=None)
    code = forms.CharField(label=_("编码"), max_length=32)
    kind = forms.ChoiceField(label=_("题型"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("题目"), max_length=300)
    text_en = forms.CharField(label=_("英文题目"), max_length=400, required=False)
    dimension = forms.ModelChoiceField(
        label=_("服务维度"), queryset=Dimension.objects.all(), required=False
    )
    required = forms.BooleanField(label=_("必答"), required=False, initial=True)
    is_overall = forms.BooleanField(label=_("总体满意度题"), required=False)
    choices = forms.CharField(
        label=_("选项"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("选择题每行一个选项:中文 | English | 值(英文和值可不填)"),
    )
    position = forms.IntegerField(label=_("排序"), min_value=0, required=False)

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = version.sections.all()


class VersionTextForm(StyledFormMixin, forms.Form):
    intro = forms.CharField(
        label=_("开场白"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    intro_en = forms.CharField(
        label=_("英文开场白"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    script = forms.CharField(
        label=_("电话访问话术"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("{name} 会替换为专员姓名。"),
    )
    script_en = forms.CharField(
        label=_("英文电话话术"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
