"""Forms of the portal (residents) and of its staff pages (sign-up queue, announcements)."""

from django import forms
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuyedesk.accounts.choices import UserKind
from wuyedesk.accounts.models import User
from wuyedesk.channels import selectors
from wuyedesk.channels.services import COMMENT_MAX, MAX_PHOTOS, REASON_MAX, TEXT_MAX, TITLE_MAX
from wuyedesk.core.forms import StyledFormMixin
from wuyedesk.properties.choices import OccupancyRole
from wuyedesk.properties.models import Building, Resident
from wuyedesk.tickets import selectors as ticket_selectors
from wuyedesk.tickets.choices import Kind

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type=file multiple>: a list (checked by the service)."""

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _int(value):
    return int(value) if str(value or "").isdigit() else None


class SignupForm(StyledFormMixin, forms.Form):
    mobile = forms.CharField(label=_("手机号"), max_length=20)
    name = forms.CharField(label=_("姓名"), max_length=50)
    community = forms.ChoiceField(label=_("小区"))
    building = forms.ChoiceField(label=_("楼栋"))
    room = forms.ChoiceField(label=_("房屋"))
    email = forms.EmailField(
        label=_("邮箱"), required=False, help_text=_("选填,用于找回密码和接收公告。")
    )
    password = forms.CharField(
        label=_("密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少 8 位,不要全是数字。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mobile"].widget.attrs.update(inputmode="tel", autocomplete="tel")
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        empty = [("", "—")]
        self.fields["community"].choices = empty + [
            (c.pk, c.name) for c in selectors.signup_communities()
        ]
        community = _int(self.data.get("community")) if self.is_bound else None
        building = _int(self.data.get("building")) if self.is_bound else None
        self.fields["building"].choices = empty + (
            [(b.pk, b.name) for b in selectors.signup_buildings(community)] if community else []
        )
        self.fields["room"].choices = empty + (
            room_choices(selectors.signup_rooms(building).filter(community_id=community))
            if building and community
            else []
        )
        for name, target, url in (
            ("community", "#id_building", "portal:signup_buildings"),
            ("building", "#id_room", "portal:signup_rooms"),
        ):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": reverse(url),
                    "hx-target": target,
                    "hx-trigger": "change",
                    "hx-include": "this",
                }
            )

    def clean_room(self):
        pk = _int(self.cleaned_data.get("room"))
        building = _int(self.data.get("building"))
        room = selectors.signup_rooms(building).filter(pk=pk).first() if building else None
        if room is None:
            raise forms.ValidationError(_("请选择房屋。"), code="invalid_choice")
        return room


def room_choices(rooms) -> list:
    """Rooms grouped by unit (<optgroup>), in the order of the building."""
    groups: dict[str, list] = {}
    for room in rooms:
        groups.setdefault(room.unit.name, []).append((room.pk, room.number))
    return list(groups.items())


class SignupCodeForm(StyledFormMixin, forms.Form):
    """The one-time code sent to the applicant's number (checked by the service)."""

    code = forms.CharField(label=_("短信验证码"), max_length=12)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            inputmode="numeric", autocomplete="one-time-code", autofocus=True
        )


class SignupStatusForm(StyledFormMixin, forms.Form):
    mobile = forms.CharField(label=_("手机号"), max_length=20)
    password = forms.CharField(label=_("注册时设置的密码"), widget=forms.PasswordInput)


class SubmitForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=Kind.choices,
        initial=Kind.REPAIR,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
    )
    place = forms.ChoiceField(label=_("位置"))
    category = forms.TypedChoiceField(label=_("分类"), coerce=int)
    title = forms.CharField(
        label=_("标题"),
        max_length=TITLE_MAX,
        required=False,
        help_text=_("可不填:默认取内容的开头。"),
    )
    description = forms.CharField(
        label=_("内容"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("请说明时间、地点和情况。"),
    )
    photos = MultipleFileField(
        label=_("照片"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*"}),
        help_text=_("最多 %(n)s 张,JPG/PNG/WebP/GIF。") % {"n": MAX_PHOTOS},
    )

    def __init__(self, *args, homes, **kwargs):
        super().__init__(*args, **kwargs)
        rooms = [(f"room:{o.room.pk}", o.room.address) for o in homes]
        buildings = {}
        for o in homes:
            building = o.room.unit.building
            buildings[building.pk] = f"{building.community.name}-{building.name}"
        public = [
            (f"building:{pk}", _("%(building)s 公共区域") % {"building": label})
            for pk, label in buildings.items()
        ]
        self.fields["place"].choices = [(_("我的房屋"), rooms), (_("公共区域"), public)]
        self.fields["category"].choices = ticket_selectors.filing_category_choices()
        self.fields["description"].widget.attrs["maxlength"] = TEXT_MAX

    def clean_category(self):
        pk = self.cleaned_data["category"]
        category = ticket_selectors.filing_category(pk)
        if category is None:
            raise forms.ValidationError(_("请选择具体的分类。"), code="invalid_choice")
        return category

    def place_ids(self) -> tuple[int | None, int | None]:
        kind, _sep, pk = self.cleaned_data["place"].partition(":")
        return (int(pk), None) if kind == "room" else (None, int(pk))


class ReplyForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label=_("回复内容"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.FileField(
        label=_("照片"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )


class ConfirmForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label=_("补充说明"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RatingForm(StyledFormMixin, forms.Form):
    stars = forms.TypedChoiceField(
        label=_("评分"),
        coerce=int,
        choices=[(n, "★" * n) for n in range(1, 6)],
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
    )
    comment = forms.CharField(
        label=_("评价内容"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PortalPasswordResetForm(StyledFormMixin, PasswordResetForm):
    """Reset links go only to residents' accounts (staff reset theirs with the administrator)."""

    def get_users(self, email):
        return (
            u
            for u in User.objects.filter(
                kind=UserKind.RESIDENT, email__iexact=email, is_active=True
            )
            if u.has_usable_password()
        )


class PortalSetPasswordForm(StyledFormMixin, SetPasswordForm):
    pass


# ---------------------------------------------------------------- staff pages


class SignupDecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("处理"),
        choices=[
            ("link", _("关联到已有住户")),
            ("create", _("新建住户并登记入住")),
            ("refuse", _("拒绝")),
        ],
        widget=forms.RadioSelect,
    )
    resident = forms.ModelChoiceField(Resident.objects.none(), label=_("已有住户"), required=False)
    role = forms.ChoiceField(label=_("身份"), choices=OccupancyRole.choices, required=False)
    reason = forms.CharField(label=_("拒绝原因"), max_length=REASON_MAX, required=False)

    def __init__(self, *args, user, signup, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = selectors.signup_link_candidates(user, signup).order_by(
            "name", "id"
        )
        self.fields["resident"].label_from_instance = lambda r: f"{r.name} {r.masked_phone}"

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == "link" and not data.get("resident"):
            self.add_error("resident", _("请选择要关联的住户。"))
        if decision == "create" and not data.get("role"):
            self.add_error("role", _("请选择身份。"))
        if decision == "refuse" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("请填写拒绝原因。"))
        return data


class AnnouncementForm(StyledFormMixin, forms.Form):
    community = forms.ModelChoiceField(None, label=_("小区"))
    building = forms.ModelChoiceField(
        Building.objects.none(),
        label=_("楼栋"),
        required=False,
        help_text=_("留空则发给全小区。"),
    )
    title = forms.CharField(label=_("标题"), max_length=100)
    body = forms.CharField(
        label=_("内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    publish_at = forms.DateTimeField(
        label=_("发布时间"),
        required=False,
        input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
        help_text=_("北京时间;留空则立即发布。"),
    )

    def __init__(self, *args, user, announcement=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = selectors.announcement_communities(user)
        self.fields["building"].queryset = selectors.announcement_buildings(user)
        self.fields["building"].label_from_instance = lambda b: f"{b.community.name}-{b.name}"
        if announcement is not None:  # a correction: the announcement as it is
            for name in ("community", "building", "title", "body"):
                self.initial.setdefault(name, getattr(announcement, name))
            self.initial.setdefault(
                "publish_at", timezone.localtime(announcement.publish_at).strftime(LOCAL_INPUT)
            )
            if announcement.publish_at <= timezone.now():  # residents saw it dated so
                self.fields["publish_at"].disabled = True
                self.fields["publish_at"].help_text = _("已发布的公告保留原发布时间。")
        if not self.is_bound:
            self.initial.setdefault("publish_at", timezone.localtime().strftime(LOCAL_INPUT))


class AnnouncementWithdrawForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("撤回原因"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("只在员工端显示,业主看不到。"),
    )
