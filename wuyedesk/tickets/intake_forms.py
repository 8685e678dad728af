"""Forms of the intake page: the ticket, and a new contact recorded in place."""

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuyedesk.accounts.access import community_ids
from wuyedesk.core.forms import StyledFormMixin
from wuyedesk.lib.privacy import normalize_phone, validate_phone
from wuyedesk.properties.choices import OccupancyRole
from wuyedesk.properties.models import Community, Resident, Room
from wuyedesk.properties.selectors import (
    communities_visible_to,
    residents_visible_to,
    rooms_visible_to,
)
from wuyedesk.tickets.categories import grouped_choices, leaf_categories
from wuyedesk.tickets.choices import Audience, Channel, Kind, Severity, mark_audience
from wuyedesk.tickets.models import Category

# What a specialist records by hand; portal and API tickets arrive through their own doors.
INTAKE_CHANNELS = (Channel.PHONE, Channel.WALK_IN, Channel.EMAIL)
# Access keys of the kind radio buttons (Alt+1 … in most browsers), shown beside each label.
KIND_KEYS = {Kind.INQUIRY: "1", Kind.COMPLAINT: "2", Kind.REPAIR: "3", Kind.SUGGESTION: "4"}
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def _visible(queryset):
    return queryset.filter(archived_at__isnull=True)


class IntakeForm(StyledFormMixin, forms.Form):
    # Chosen from the lookup, submitted as ids; the querysets keep them inside the user's scope.
    resident = forms.ModelChoiceField(
        Resident.objects.none(), required=False, widget=forms.HiddenInput, label=_("客户")
    )
    room = forms.ModelChoiceField(
        Room.objects.none(), required=False, widget=forms.HiddenInput, label=_("房屋")
    )
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=Kind.choices,
        initial=Kind.INQUIRY,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
    )
    category = forms.ModelChoiceField(Category.objects.none(), label=_("分类"))
    severity = forms.ChoiceField(
        label=_("严重程度"), choices=Severity.choices, initial=Severity.NORMAL
    )
    channel = forms.ChoiceField(
        label=_("渠道"),
        choices=[(c.value, c.label) for c in INTAKE_CHANNELS],
        initial=Channel.PHONE,
    )
    contact_at = forms.DateTimeField(
        label=_("客户联系时间"),
        input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
        help_text=_("客户来电的时间(北京时间),可早于现在。"),
    )
    title = forms.CharField(
        label=_("标题"),
        max_length=120,
        required=False,
        help_text=_("可不填:默认取内容的开头。"),
    )
    # What the customer said, and the answer given at once: both are on the customer's
    # own timeline (tickets/visibility.py), so both boxes say so.
    description = mark_audience(
        forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000),
        Audience.CUSTOMER,
        _("客户可见:客户反映的内容,业主可在业主服务中看到。"),
    )
    answer = mark_audience(
        forms.CharField(
            label=_("当场解答"),
            required=False,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 4}),
        ),
        Audience.CUSTOMER,
        _("客户可见:仅限咨询。填写后保存即答复客户并关闭工单(首问解决),业主会读到这段文字。"),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = _visible(residents_visible_to(user))
        self.fields["room"].queryset = _visible(rooms_visible_to(user))
        self.fields["resident"].error_messages["invalid_choice"] = _(
            "找不到该客户,或客户不在您负责的小区。"
        )
        self.fields["room"].error_messages["invalid_choice"] = _(
            "找不到该房屋,或房屋不在您负责的小区。"
        )
        category = self.fields["category"]
        category.queryset = leaf_categories()
        category.widget.choices = grouped_choices(leaves_only=True)
        category.error_messages["invalid_choice"] = _("请选择具体的分类。")
        # The caller's likely duplicates depend on the category (tickets/caller_history.py).
        category.widget.attrs.update(
            {
                "hx-get": reverse("ticket_intake_history"),
                "hx-trigger": "change",
                "hx-include": "#intake-contact [name=resident], #intake-contact [name=room]",
                "hx-target": "#caller-history",
            }
        )
        # Minutes: what a person types and reads; seconds would only be noise here.
        self.fields["contact_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        # As the description is typed, knowledge-base answers appear below it (inquiries).
        self.fields["description"].widget.attrs.update(
            {
                "hx-post": reverse("knowledge_suggest"),
                "hx-trigger": "input changed delay:300ms",
                "hx-params": "description,kind",
                "hx-target": "#kb-suggestions",
                "hx-sync": "this:replace",
            }
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("answer", "").strip() and cleaned.get("kind") != Kind.INQUIRY:
            self.add_error("answer", _("只有咨询可以当场解答并关闭。"))
        resident, room = cleaned.get("resident"), cleaned.get("room")
        if "room" in self.errors or "resident" in self.errors:
            return cleaned
        if resident is None and room is None:
            self.add_error("room", _("请先查找并选择客户或房屋。"))
        elif room is None:
            # No room: the ticket belongs to the resident's own community, which must be ours.
            ids = community_ids(self.user)
            if ids is not None and resident.community_id not in ids:
                self.add_error("room", _("请选择该客户在您负责小区内的房屋。"))
        return cleaned

    def ticket_fields(self) -> dict:
        """Keyword arguments of services.ticket_create (except `by`)."""
        data = self.cleaned_data
        resident, room = data["resident"], data["room"]
        return {
            "kind": data["kind"],
            "channel": data["channel"],
            "category": data["category"],
            "severity": data["severity"],
            "title": data["title"],
            "description": data["description"],
            "contact_at": data["contact_at"],
            "answer": data["answer"].strip(),
            "resident": resident,
            "room": room,
            "community": resident.community if room is None else None,
        }

    def kind_options(self):
        """(value, label, access key, checked) for the radio buttons."""
        current = self["kind"].value()
        return [(v, label, KIND_KEYS[v], v == current) for v, label in Kind.choices]


class ContactForm(StyledFormMixin, forms.Form):
    """A caller not on file yet. The room comes from a room search; without one, the
    community the caller belongs to."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("电话"), max_length=20)
    room = forms.ModelChoiceField(
        Room.objects.none(), required=False, widget=forms.RadioSelect, label=_("房屋")
    )
    community = forms.ModelChoiceField(
        Community.objects.none(), required=False, label=_("所属小区")
    )
    role = forms.ChoiceField(
        label=_("身份"), choices=OccupancyRole.choices, initial=OccupancyRole.OWNER
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        # Own ids: this form sits on the intake page beside the ticket form's fields.
        kwargs.setdefault("auto_id", "contact_%s")
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = _visible(rooms_visible_to(user))
        self.fields["community"].queryset = _visible(communities_visible_to(user))
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="off")
        self.fields["name"].widget.attrs["autocomplete"] = "off"

    def clean_phone(self):
        phone = normalize_phone(self.cleaned_data["phone"])
        validate_phone(phone)
        return phone

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("room") and not cleaned.get("community") and "room" not in self.errors:
            self.add_error("room", _("请选择房屋或所属小区。"))
        return cleaned
