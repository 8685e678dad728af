from django import forms
from django.utils.translation import gettext_lazy as _

from wuyedesk.core.forms import StyledFormMixin
from wuyedesk.lib.privacy import normalize_phone
from wuyedesk.properties.selectors import active_residents


class LinkSenderForm(StyledFormMixin, forms.Form):
    """Which resident wrote: by mobile number (posted, never in a URL) or by record number."""

    phone = forms.CharField(
        label=_("住户手机号"), max_length=20, required=False, widget=forms.TextInput()
    )
    resident_id = forms.IntegerField(
        label=_("或住户编号"), required=False, min_value=1, max_value=2**31 - 1
    )
    remember = forms.BooleanField(
        label=_("记住该邮箱地址,以后来信自动识别"), required=False, initial=True
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs.update({"autocomplete": "off", "inputmode": "tel"})

    def clean(self):
        data = super().clean()
        phone = normalize_phone(data.get("phone") or "")
        pk = data.get("resident_id")
        if self.errors:
            return data
        if not phone and not pk:
            raise forms.ValidationError(_("请填写住户手机号或住户编号。"), code="required")
        residents = active_residents(self.user)
        found = list(residents.filter(pk=pk)[:2] if pk else residents.filter(phone=phone)[:2])
        if not found:
            field = "resident_id" if pk else "phone"
            self.add_error(field, _("找不到该住户,或不在您的权限范围内。"))
        elif len(found) > 1:
            self.add_error("phone", _("该手机号对应多位住户,请填写住户编号。"))
        else:
            data["resident"] = found[0]
        return data
