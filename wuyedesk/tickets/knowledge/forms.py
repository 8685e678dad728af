from django import forms
from django.utils.translation import gettext_lazy as _

from wuyedesk.core.forms import StyledFormMixin
from wuyedesk.tickets.categories import active_categories, grouped_choices
from wuyedesk.tickets.models import KnowledgeArticle


class KnowledgeArticleForm(StyledFormMixin, forms.ModelForm):
    # The version the editor started from; a save over a newer one is refused (no lost edit).
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = KnowledgeArticle
        fields = ["category", "question", "answer", "question_en", "answer_en"]
        widgets = {
            "answer": forms.Textarea(attrs={"rows": 6}),
            "answer_en": forms.Textarea(attrs={"rows": 6, "lang": "en"}),
            "question_en": forms.TextInput(attrs={"lang": "en"}),
        }

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        category.queryset = active_categories()
        category.widget.choices = grouped_choices(leaves_only=False)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version
        self.fields["question"].widget.attrs["autofocus"] = True
        self.fields["answer"].help_text = _("客服专员会把这段话读给客户或发给客户,请写完整、准确。")
