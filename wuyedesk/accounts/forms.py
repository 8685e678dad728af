from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from wuyedesk.accounts.models import User
from wuyedesk.core.forms import CleanTextMixin, StyledFormMixin


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


class StaffChoiceField(forms.ModelChoiceField):
    """A choice of users, each shown by their staff name (owners, assignees)."""

    def label_from_instance(self, obj):
        staff = getattr(obj, "staff", None)
        return staff.name if staff else obj.get_username()


class StyledPasswordChangeForm(StyledFormMixin, PasswordChangeForm):
    """Django's password change, styled: the staff page and the portal's (issue #12)."""
