from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import Staff, User
from wuyedesk.core.forms import CleanTextMixin, ScopedModelForm, StyledFormMixin
from wuyedesk.properties import selectors


class StaffLoginForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autofocus=True, autocomplete="username")
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class ResidentLoginForm(StyledFormMixin, forms.Form):
    mobile = forms.CharField(label=_("手机号"), max_length=20)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mobile"].widget.attrs.update(
            autofocus=True, inputmode="tel", autocomplete="tel"
        )
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class StaffForm(ScopedModelForm):
    scope_fields = {
        "department": selectors.departments_visible_to,
        "communities": selectors.communities_visible_to,
    }
    username = forms.RegexField(
        label=_("用户名"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text=_("登录用,字母、数字和 @/./+/-/_ 。"),
    )
    posts = forms.MultipleChoiceField(
        label=_("岗位"), choices=Post.choices, widget=forms.CheckboxSelectMultiple
    )
    password = forms.CharField(
        label=_("初始密码"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("新建时必填;修改时留空则不变。"),
    )

    class Meta:
        model = Staff
        fields = [
            "name",
            "employee_no",
            "department",
            "communities",
            "phone",
            "extension",
            "email",
            "hire_date",
        ]
        widgets = {
            "communities": forms.CheckboxSelectMultiple,
            "hire_date": forms.DateInput(attrs={"type": "date"}),
        }

    field_order = ["username", "password", "name", "employee_no", "posts"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["username"].initial = self.instance.user.username
            self.fields["username"].disabled = True
            self.fields["posts"].initial = self.instance.post_list
        else:
            self.fields["password"].required = True

    def clean_username(self):
        username = self.cleaned_data["username"]
        others = User.objects.filter(username=username)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.user_id)
        if others.exists():
            raise forms.ValidationError(_("该用户名已被使用。"), code="unique")
        return username

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            user = (
                self.instance.user if self.instance.pk else User(username=cleaned.get("username"))
            )
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        posts = set(cleaned.get("posts") or [])
        if Post.DEPARTMENT in posts and not cleaned.get("department"):
            self.add_error("department", _("部门人员必须选择所属部门。"))
        return cleaned


class LanguageForm(CleanTextMixin, forms.Form):
    language = forms.ChoiceField(choices=User._meta.get_field("language").choices)


class TokenForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60, required=False)


class OtpCodeForm(StyledFormMixin, forms.Form):
    """The second step: a code from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("动态码或恢复码"),
        max_length=20,
        help_text=_("打开手机上的验证器应用,输入显示的 6 位数字;手机不在身边时可输入一个恢复码。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            autofocus=True, autocomplete="one-time-code", inputmode="text", spellcheck="false"
        )


class OtpEnrolForm(StyledFormMixin, forms.Form):
    code = forms.RegexField(
        label=_("验证器显示的 6 位动态码"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("请输入 6 位数字。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            autocomplete="one-time-code", inputmode="numeric", spellcheck="false"
        )
