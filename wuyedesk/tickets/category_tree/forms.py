from django import forms
from django.utils.translation import gettext_lazy as _

from wuyedesk.core.forms import StyledFormMixin
from wuyedesk.tickets.categories import category_label
from wuyedesk.tickets.category_tree.services import department_choices, parent_choices


class ParentField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return category_label(obj)


class CategoryForm(StyledFormMixin, forms.Form):
    """Add a category, or rename / move one and set its default department."""

    parent = ParentField(
        label=_("上级分类"),
        queryset=None,
        required=False,
        empty_label=_("(一级分类)"),
        help_text=_("分类最多两级。"),
    )
    name = forms.CharField(label=_("名称"), max_length=40)
    name_en = forms.CharField(
        label=_("英文名称"),
        max_length=60,
        required=False,
        help_text=_("英文界面显示;留空时显示中文名称。"),
    )
    default_department = forms.ModelChoiceField(
        label=_("默认部门"),
        queryset=None,
        required=False,
        empty_label="—",
        help_text=_("转办和调查时预先选中的部门。"),
    )

    def __init__(self, *args, category=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parent_choices(category)
        self.fields["default_department"].queryset = department_choices()
