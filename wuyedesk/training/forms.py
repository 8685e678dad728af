import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuyedesk.core.forms import CleanTextMixin, StyledFormMixin
from wuyedesk.training import selectors
from wuyedesk.training.choices import COURSE_POSTS, CourseKind
from wuyedesk.training.models import Course

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CourseForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("课程名称"), max_length=80)
    kind = forms.ChoiceField(label=_("培训类型"), choices=CourseKind.choices)
    mandatory = forms.BooleanField(label=_("必修"), required=False, initial=True)
    posts = forms.MultipleChoiceField(
        label=_("适用岗位"),
        choices=[(str(p), p.label) for p in COURSE_POSTS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选:适用于全体员工。"),
    )
    hours = forms.DecimalField(label=_("课时(小时)"), max_digits=5, decimal_places=1)
    pass_mark = forms.IntegerField(
        label=_("及格分"), required=False, help_text=_("不填:没有考试,出勤即通过。")
    )
    recurrence_months = forms.IntegerField(
        label=_("复训周期(月)"),
        required=False,
        help_text=_("仅定期必修课程:每隔多少个月须重新培训。"),
    )
    position = forms.IntegerField(label=_("排序"), required=False, initial=0)
    description = forms.CharField(
        label=_("课程内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    @classmethod
    def for_course(cls, course, data=None):
        initial = {name: getattr(course, name) for name in cls.base_fields}
        return cls(data, initial=initial)


class SessionForm(StyledFormMixin, forms.Form):
    course = forms.ModelChoiceField(label=_("课程"), queryset=Course.objects.none())
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=DATETIME)
    hours = forms.DecimalField(
        label=_("课时(小时)"),
        max_digits=5,
        decimal_places=1,
        required=False,
        help_text=_("不填:按课程课时。"),
    )
    trainer = forms.CharField(label=_("讲师"), max_length=60)
    place = forms.CharField(label=_("地点"), max_length=100)
    attendees = forms.MultipleChoiceField(
        label=_("参加人员"), required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = selectors.courses()
        self.fields["attendees"].choices = people_choices(user)
        if not self.is_bound:
            self.fields["starts_at"].initial = timezone.localtime().replace(
                minute=0, second=0, microsecond=0
            ) + dt.timedelta(days=1)


def people_choices(user):
    return [
        (str(pk), name)
        for pk, name in selectors.people_of(user)
        .order_by("employee_no")
        .values_list("user_id", "name")
    ]


class EnrolForm(StyledFormMixin, forms.Form):
    attendees = forms.MultipleChoiceField(
        label=_("添加参加人员"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, session, **kwargs):
        super().__init__(*args, **kwargs)
        have = {str(pk) for pk in session.attendees.values_list("user_id", flat=True)}
        self.fields["attendees"].choices = [
            (pk, name) for pk, name in people_choices(user) if pk not in have
        ]


class ResultsForm(CleanTextMixin, forms.Form):
    """One attended checkbox and one score per attendee (attended-<user id>, score-<user id>)."""

    def __init__(self, *args, rows, has_exam, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        for row in self.rows:
            self.fields[f"attended-{row.user_id}"] = forms.BooleanField(
                required=False, initial=bool(row.attended), label=_("出勤")
            )
            if has_exam:
                self.fields[f"score-{row.user_id}"] = forms.IntegerField(
                    required=False,
                    min_value=0,
                    max_value=100,
                    initial=row.score,
                    label=_("考试成绩"),
                    widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
                )

    def lines(self):
        for row in self.rows:
            yield (
                row,
                self[f"attended-{row.user_id}"],
                self.fields.get(f"score-{row.user_id}") and self[f"score-{row.user_id}"],
            )

    def results(self):
        data = self.cleaned_data
        return [
            {
                "user": row.user_id,
                "attended": data.get(f"attended-{row.user_id}", False),
                "score": data.get(f"score-{row.user_id}"),
            }
            for row in self.rows
        ]
