from django import forms
from django.utils.translation import gettext_lazy as _

from wuyedesk.accounts.access import staff_of
from wuyedesk.accounts.choices import HIRING_POSTS
from wuyedesk.accounts.models import Staff
from wuyedesk.core.forms import StyledFormMixin
from wuyedesk.properties.selectors import communities_visible_to
from wuyedesk.recruitment.choices import OpeningStatus, Source, Stage
from wuyedesk.recruitment.models import HEADCOUNT_MAX
from wuyedesk.recruitment.services import NAME_MAX, NOTE_MAX, TITLE_MAX

HIRING_CHOICES = [(p.value, p.label) for p in HIRING_POSTS]
DATE = forms.DateInput(attrs={"type": "date"})


class OpeningForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("职位名称"), max_length=TITLE_MAX)
    post = forms.ChoiceField(label=_("岗位"), choices=HIRING_CHOICES)
    communities = forms.ModelMultipleChoiceField(
        label=_("负责小区"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    headcount = forms.IntegerField(
        label=_("招聘人数"), min_value=1, max_value=HEADCOUNT_MAX, initial=1
    )
    description = forms.CharField(
        label=_("职位要求"), max_length=NOTE_MAX, required=False, widget=forms.Textarea
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communities"].queryset = communities_visible_to(user).filter(
            archived_at__isnull=True
        )


class OpeningStatusForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[(s.value, s.label) for s in (OpeningStatus.OPEN, OpeningStatus.CLOSED)],
    )


class OpeningFilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *OpeningStatus.choices]
    )


class CandidateFilterForm(StyledFormMixin, forms.Form):
    stage = forms.ChoiceField(
        label=_("阶段"), required=False, choices=[("", _("全部")), *Stage.choices]
    )
    waiting = forms.BooleanField(label=_("只看待决定的"), required=False)
    opening = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class CandidateForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=NAME_MAX)
    phone = forms.CharField(label=_("电话"), max_length=20)
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    source = forms.ChoiceField(label=_("来源"), choices=Source.choices)
    cv = forms.FileField(
        label=_("简历"), required=False, help_text=_("JPG、PNG、WebP、GIF 图片或 PDF 文件。")
    )
    note = forms.CharField(
        label=_("初筛记录"), max_length=NOTE_MAX, required=False, widget=forms.Textarea
    )


class StageForm(StyledFormMixin, forms.Form):
    stage = forms.ChoiceField(
        label=_("阶段"),
        choices=[
            (s.value, s.label)
            for s in (Stage.SCREENING, Stage.INTERVIEW, Stage.REJECTED, Stage.WITHDRAWN)
        ],
    )
    interviewer = forms.ModelChoiceField(label=_("面试官"), queryset=None, required=False)
    held_on = forms.DateField(label=_("日期"), required=False, widget=DATE)
    note = forms.CharField(
        label=_("备注"), max_length=NOTE_MAX, required=False, widget=forms.Textarea
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        staff = staff_of(user)
        self.fields["interviewer"].queryset = Staff.objects.filter(
            archived_at__isnull=True, department_id=staff.department_id if staff else None
        )


class OfferForm(StyledFormMixin, forms.Form):
    post = forms.ChoiceField(label=_("录用岗位"), choices=HIRING_CHOICES)
    offer_date = forms.DateField(label=_("录用通知日期"), widget=DATE)
    start_date = forms.DateField(label=_("入职日期"), widget=DATE)
    note = forms.CharField(
        label=_("备注"), max_length=NOTE_MAX, required=False, widget=forms.Textarea
    )


class HireForm(StyledFormMixin, forms.Form):
    """The new account's login, as the administrator's staff form asks it."""

    username = forms.RegexField(
        label=_("用户名"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text=_("登录用,字母、数字和 @/./+/-/_ 。"),
    )
    password = forms.CharField(
        label=_("初始密码"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("请当面告知新员工。"),
    )
    employee_no = forms.CharField(label=_("工号"), max_length=20)
