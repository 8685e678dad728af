from django import forms


class StyledFormMixin:
    """Bootstrap classes on every widget, so templates render fields with one include."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class ScopedModelForm(StyledFormMixin, forms.ModelForm):
    """A ModelForm whose choices are limited to what `user` may see (see `scope_fields`)."""

    # field name -> selector(user) giving the allowed choices
    scope_fields: dict = {}

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for name, selector in self.scope_fields.items():
            if name in self.fields:
                self.fields[name].queryset = selector(user).filter(archived_at__isnull=True)
