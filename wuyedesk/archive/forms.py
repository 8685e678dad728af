from django import forms
from django.utils.translation import gettext_lazy as _

from wuyedesk.archive import selectors
from wuyedesk.archive.choices import DestructionMethod
from wuyedesk.archive.models import DocumentType
from wuyedesk.archive.services import NOTE_MAX, TITLE_MAX
from wuyedesk.core.forms import CleanTextMixin


class UploadForm(CleanTextMixin, forms.Form):
    doc_type = forms.ModelChoiceField(label=_("类型"), queryset=DocumentType.objects.none())
    title = forms.CharField(label=_("标题"), max_length=TITLE_MAX)
    room = forms.IntegerField(label=_("房屋编号"), required=False, min_value=1)
    resident = forms.IntegerField(label=_("住户编号"), required=False, min_value=1)
    note = forms.CharField(label=_("备注"), max_length=NOTE_MAX, required=False)
    file = forms.FileField(label=_("文件"), help_text=_("JPG、PNG、WebP、GIF 图片或 PDF 文件。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doc_type"].queryset = selectors.active_types()


class DestroyForm(CleanTextMixin, forms.Form):
    method = forms.ChoiceField(label=_("销毁方式"), choices=DestructionMethod.choices)
    note = forms.CharField(label=_("说明"), max_length=NOTE_MAX, required=False)


class FilterForm(CleanTextMixin, forms.Form):
    doc_type = forms.ModelChoiceField(
        label=_("类型"), queryset=DocumentType.objects.all(), required=False
    )
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("kept", _("保存中")), ("destroyed", _("已销毁"))],
    )
    room = forms.IntegerField(required=False, widget=forms.HiddenInput)
    resident = forms.IntegerField(required=False, widget=forms.HiddenInput)


class TypeForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = DocumentType
        fields = ["name", "name_en", "retention_months", "sensitive", "max_size_mb", "active"]
