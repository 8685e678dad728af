from django import forms
from django.utils.translation import gettext_lazy as _

from wuyedesk.accounts.forms import StaffChoiceField
from wuyedesk.core.forms import StyledFormMixin
from wuyedesk.improvements.choices import ItemStatus, Source
from wuyedesk.properties.selectors import communities_visible_to, departments_visible_to
from wuyedesk.tickets.selectors import task_assignees_for

PLANNED_SOURCES = [(s.value, s.label) for s in Source if s != Source.COMPLAINT]


class ItemForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=120)
    source = forms.ChoiceField(label=_("来源"), choices=PLANNED_SOURCES)
    community = forms.ModelChoiceField(label=_("小区"), queryset=None, required=False)
    department = forms.ModelChoiceField(label=_("责任部门"), queryset=None)
    owner = StaffChoiceField(label=_("负责人"), queryset=None, required=False)
    measures = forms.CharField(label=_("改进措施"), widget=forms.Textarea(attrs={"rows": 4}))
    due = forms.DateField(label=_("完成期限"), widget=forms.DateInput(attrs={"type": "date"}))
    # A survey finding names its campaign and dimension (filled in from the analysis page).
    campaign = forms.IntegerField(required=False, widget=forms.HiddenInput)
    dimension = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities_visible_to(user).filter(
            archived_at__isnull=True
        )
        self.fields["department"].queryset = departments_visible_to(user).filter(
            archived_at__isnull=True
        )
        self.fields["owner"].queryset = task_assignees_for(user)
        if editing is not None:
            for name in ("source", "campaign", "dimension"):
                del self.fields[name]
            if editing.measure_id is not None:
                for name in ("department", "measures", "due"):
                    del self.fields[name]


class ProgressForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(
        label=_("同时改为"),
        required=False,
        choices=[
            ("", _("(状态不变)")),
            (ItemStatus.IN_PROGRESS.value, ItemStatus.IN_PROGRESS.label),
            (ItemStatus.DONE.value, ItemStatus.DONE.label),
        ],
    )


class VerifyForm(StyledFormMixin, forms.Form):
    effective = forms.TypedChoiceField(
        label=_("效果"),
        coerce=lambda v: v == "1",
        choices=[("1", _("有效")), ("0", _("无效"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("验证说明"), widget=forms.Textarea(attrs={"rows": 3}))


class FilterForm(StyledFormMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("责任部门"), queryset=None, required=False)
    community = forms.ModelChoiceField(label=_("小区"), queryset=None, required=False)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", "—"), *ItemStatus.choices]
    )
    source = forms.ChoiceField(
        label=_("来源"), required=False, choices=[("", "—"), *Source.choices]
    )
    overdue = forms.BooleanField(label=_("仅看逾期"), required=False)
    mine = forms.BooleanField(label=_("仅看我负责的"), required=False)
    active = forms.BooleanField(label=_("仅看未完成"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["community"].queryset = communities_visible_to(user)
        self.fields["department"].queryset = departments_visible_to(user)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "department": data["department"].pk if data.get("department") else None,
            "community": data["community"].pk if data.get("community") else None,
            "status": data.get("status") or "",
            "source": data.get("source") or "",
            "overdue": bool(data.get("overdue")),
            "owner": self.user.pk if data.get("mine") else None,
            "active": bool(data.get("active")),
        }
