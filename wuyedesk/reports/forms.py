import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuyedesk.accounts.selectors import active_staff
from wuyedesk.core.forms import StyledFormMixin
from wuyedesk.properties.selectors import communities_visible_to, departments_visible_to
from wuyedesk.reports.metrics import Scope, default_period


class ScopeForm(StyledFormMixin, forms.Form):
    start = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    community = forms.ModelChoiceField(label=_("小区"), queryset=None, required=False)
    department = forms.ModelChoiceField(label=_("部门"), queryset=None, required=False)
    owner = forms.ModelChoiceField(label=_("员工"), queryset=None, required=False)
    trend = forms.ChoiceField(
        label=_("趋势"),
        choices=[("", _("自动")), ("day", _("按日")), ("week", _("按周"))],
        required=False,
    )

    FIELDS = ("start", "end", "community", "department", "owner", "trend")

    def __init__(self, data, *, user):
        start, end = default_period(timezone.localdate())
        defaults = {"start": start.isoformat(), "end": end.isoformat()}
        data = {**defaults, **{k: v for k, v in data.items() if v}}
        super().__init__(data)
        self.fields["community"].queryset = communities_visible_to(user).filter(
            archived_at__isnull=True
        )
        self.fields["department"].queryset = departments_visible_to(user).filter(
            archived_at__isnull=True
        )
        self.fields["owner"].queryset = active_staff(user)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("结束日期不能早于开始日期。"))
            elif (end - start) > dt.timedelta(days=731):
                self.add_error("end", _("时间段最长两年。"))
        return cleaned

    def scope(self) -> Scope:
        data = self.cleaned_data
        owner = data.get("owner")
        return Scope(
            start=data["start"],
            end=data["end"],
            community_id=data["community"].pk if data.get("community") else None,
            department_id=data["department"].pk if data.get("department") else None,
            owner_id=owner.user_id if owner else None,
            trend=data.get("trend") or "",
        )
