from django import forms
from django.utils.translation import gettext_lazy as _

from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.forms import StaffChoiceField
from wuyedesk.core.forms import StyledFormMixin
from wuyedesk.supervision import access
from wuyedesk.supervision.choices import INSPECTOR_POSTS, Kind, Result, Status
from wuyedesk.supervision.models import GroupMember

DATE = forms.DateInput(attrs={"type": "date"})


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        staff = getattr(obj, "staff", None)
        return staff.name if staff else obj.get_username()


class AppointForm(StyledFormMixin, forms.Form):
    user = StaffChoiceField(label=_("成员"), queryset=None)
    remit = forms.CharField(label=_("职责范围"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        active = GroupMember.objects.filter(ended_at__isnull=True).values("user_id")
        self.fields["user"].queryset = (
            access.staff_users()
            .filter(staff__posts__post__in=INSPECTOR_POSTS)
            .exclude(pk__in=active)
            .order_by("staff__name")
        )


class ChecklistForm(StyledFormMixin, forms.Form):
    post = forms.ChoiceField(label=_("岗位"), choices=Post.choices)
    title = forms.CharField(label=_("名称"), max_length=120)
    note = forms.CharField(label=_("修订说明"), max_length=200, required=False)
    items = forms.CharField(
        label=_("检查项"),
        widget=forms.Textarea(attrs={"rows": 8, "class": "font-monospace"}),
        help_text=_("每行一项:编号 | 检查内容 | 分值 | 关键项填 1 | 评分指引"),
    )


class PlanForm(StyledFormMixin, forms.Form):
    month = forms.DateField(
        label=_("月份"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    tickets_per_person = forms.IntegerField(label=_("每人抽查工单数"), initial=5)
    calls_per_person = forms.IntegerField(label=_("每人抽查通话数"), initial=3)
    seed = forms.IntegerField(
        label=_("随机种子"),
        required=False,
        help_text=_("留空则随机生成;相同种子和月份抽到相同样本。"),
    )
    people = StaffMultipleChoiceField(
        label=_("被检查人员"),
        queryset=None,
        required=False,
        help_text=_("不选则为范围内全部客服专员和客服助理。"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = access.people_in_scope(user).order_by("staff__name")


class InspectionForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("检查类型"), choices=Kind.choices)
    person = StaffChoiceField(label=_("被检查人"), queryset=None)
    ticket = forms.CharField(label=_("工单编号"), required=False, max_length=30)
    call = forms.IntegerField(label=_("通话记录编号"), required=False, min_value=1)
    script = forms.CharField(
        label=_("检查脚本"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    planned_for = forms.DateField(label=_("计划日期"), required=False, widget=DATE)
    period_start = forms.DateField(label=_("统计开始"), required=False, widget=DATE)
    period_end = forms.DateField(label=_("统计结束"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = access.people_in_scope(user).order_by("staff__name")


class ScoreForm(StyledFormMixin, forms.Form):
    """One result, points, evidence and comment per checklist item (fields `<name>_<id>`)."""

    comment = forms.CharField(
        label=_("总体评价"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, inspection, **kwargs):
        scores = {s.item_id: s for s in inspection.scores.all()}
        initial = {"comment": inspection.comment}
        for item_id, s in scores.items():
            initial |= {
                f"result_{item_id}": s.result,
                f"points_{item_id}": s.points,
                f"evidence_{item_id}": s.evidence,
                f"comment_{item_id}": s.comment,
            }
        super().__init__(*args, initial=initial, **kwargs)
        self.items = list(inspection.checklist.items.all()) if inspection.checklist_id else []
        for item in self.items:
            n = item.pk
            self.fields[f"result_{n}"] = forms.ChoiceField(
                label=_("结果"),
                choices=[("", "—"), *Result.choices],
                required=False,
            )
            self.fields[f"points_{n}"] = forms.DecimalField(
                label=_("得分"),
                required=False,
                min_value=0,
                max_value=item.weight,
                decimal_places=1,
            )
            self.fields[f"evidence_{n}"] = forms.CharField(label=_("检查依据"), required=False)
            self.fields[f"comment_{n}"] = forms.CharField(label=_("评语"), required=False)
        for name, field in self.fields.items():
            if name != "comment":
                css = (
                    "form-select form-select-sm"
                    if name.startswith("result_")
                    else "form-control form-control-sm"
                )
                field.widget.attrs["class"] = css

    def rows(self):
        return [
            {
                "item": item,
                "fields": [
                    self[f"{name}_{item.pk}"]
                    for name in ("result", "points", "evidence", "comment")
                ],
            }
            for item in self.items
        ]

    def scores(self) -> list[dict]:
        data = self.cleaned_data
        out = []
        for item in self.items:
            result = data.get(f"result_{item.pk}")
            if not result:
                continue
            out.append(
                {
                    "item": item.pk,
                    "result": result,
                    "points": data.get(f"points_{item.pk}"),
                    "evidence": data.get(f"evidence_{item.pk}") or "",
                    "comment": data.get(f"comment_{item.pk}") or "",
                }
            )
        return out


class CloseForm(StyledFormMixin, forms.Form):
    due = forms.DateField(
        label=_("整改期限"),
        required=False,
        widget=DATE,
        help_text=_("留空则按制度规定的天数。"),
    )
    owner = StaffChoiceField(
        label=_("整改负责人"), queryset=None, required=False, help_text=_("留空则为被检查人。")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = access.people_in_scope(user).order_by("staff__name")


class AnswerForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("我的回复"), widget=forms.Textarea(attrs={"rows": 3}))


class ReplaceForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("替换原因"), max_length=200)


class PhotoForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("现场照片"))


class CalibrateForm(StyledFormMixin, forms.Form):
    second = StaffChoiceField(label=_("第二名监督员"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        active = GroupMember.objects.filter(ended_at__isnull=True).values("user_id")
        self.fields["second"].queryset = (
            access.staff_users()
            .filter(pk__in=active, staff__posts__post__in=INSPECTOR_POSTS)
            .exclude(pk=user.pk)
            .distinct()
            .order_by("staff__name")
        )


class DiscussForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("讨论结论"), widget=forms.Textarea(attrs={"rows": 3}))


class InspectionFilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", "—"), *Status.choices]
    )
    kind = forms.ChoiceField(
        label=_("检查类型"), required=False, choices=[("", "—"), *Kind.choices]
    )
    due = forms.ChoiceField(
        label=_("期限"), required=False, choices=[("", "—"), ("period", _("本期待检查"))]
    )
    mine = forms.BooleanField(label=_("仅看我被检查的"), required=False)
    person = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
