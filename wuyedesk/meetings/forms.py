from django import forms
from django.utils.translation import gettext_lazy as _

from wuyedesk.accounts.forms import StaffChoiceField
from wuyedesk.core.forms import StyledFormMixin
from wuyedesk.meetings.choices import Weekday
from wuyedesk.properties.selectors import communities_visible_to, departments_visible_to
from wuyedesk.tickets.selectors import task_assignees_for

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        staff = getattr(obj, "staff", None)
        return staff.name if staff else obj.get_username()


def _communities(user):
    return communities_visible_to(user).filter(archived_at__isnull=True)


class _MeetingFields(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("会议名称"), max_length=120)
    community = forms.ModelChoiceField(
        label=_("小区"),
        queryset=None,
        required=False,
        empty_label=_("(全部门)"),
    )
    duration_minutes = forms.IntegerField(label=_("时长(分钟)"), min_value=1, max_value=600)
    location = forms.CharField(label=_("地点"), max_length=120, required=False)
    attendees = StaffMultipleChoiceField(
        label=_("参会人"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = _communities(user)
        self.fields["attendees"].queryset = task_assignees_for(user)


class SeriesForm(_MeetingFields):
    weekday = forms.TypedChoiceField(label=_("星期"), choices=Weekday.choices, coerce=int)
    start_time = forms.TimeField(
        label=_("开始时间"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    field_order = ["title", "community", "weekday", "start_time", "duration_minutes"]


class MeetingForm(_MeetingFields):
    starts_at = forms.DateTimeField(
        label=_("开始时间"),
        input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
    )
    field_order = ["title", "community", "starts_at", "duration_minutes"]


class AgendaItemForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("议题"), max_length=200)
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    position = forms.IntegerField(label=_("顺序"), min_value=0, max_value=999, required=False)


class MinutesForm(StyledFormMixin, forms.Form):
    discussion = forms.CharField(
        label=_("讨论情况"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    decisions = forms.CharField(
        label=_("会议决定(每行一条)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def decision_list(self) -> list[str]:
        return [
            line for line in self.cleaned_data.get("decisions", "").splitlines() if line.strip()
        ]


class ActionForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("行动项"), max_length=200)
    owner = StaffChoiceField(label=_("负责人"), queryset=None)
    due = forms.DateField(label=_("完成期限"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = task_assignees_for(user)


class ReturnForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 3}))


class DoneForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("完成情况"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ImprovementForm(StyledFormMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("责任部门"), queryset=None)
    owner = StaffChoiceField(label=_("负责人"), queryset=None, required=False)
    measures = forms.CharField(
        label=_("改进措施"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due = forms.DateField(label=_("完成期限"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_visible_to(user).filter(
            archived_at__isnull=True
        )
        self.fields["owner"].queryset = task_assignees_for(user)


class NoticeForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=120)
    body = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 6}))
    department = forms.ModelChoiceField(label=_("接收部门"), queryset=None, required=False)
    community = forms.ModelChoiceField(label=_("接收小区"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_visible_to(user).filter(
            archived_at__isnull=True
        )
        self.fields["community"].queryset = _communities(user)
