from django import forms

from wuyedesk.core.forms import StyledFormMixin
from wuyedesk.policies.models import CalendarDay


class CalendarDayForm(StyledFormMixin, forms.ModelForm):
    """A day off (typhoon, local holiday) or an extra working day of the company."""

    class Meta:
        model = CalendarDay
        fields = ["date", "working", "name", "name_en"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def validate_unique(self):
        """The service says "这一天已有调整" itself (the API too)."""
