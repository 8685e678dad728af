from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import Staff, User
from wuyedesk.core.forms import ScopedModelForm, SearchPicker
from wuyedesk.lib.privacy import PERSONAL_FIELDS, normalize_phone
from wuyedesk.properties import selectors
from wuyedesk.properties.models import (
    Building,
    Community,
    Company,
    Department,
    Occupancy,
    Resident,
    Room,
    Unit,
)


class CompanyForm(ScopedModelForm):
    POST_FIELDS = ("reveal_posts", "export_posts", "two_factor_posts")

    reveal_posts = forms.MultipleChoiceField(
        label=_("可查看完整个人信息的岗位"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    export_posts = forms.MultipleChoiceField(
        label=_("可导出个人信息的岗位"), required=False, widget=forms.CheckboxSelectMultiple
    )
    two_factor_posts = forms.MultipleChoiceField(
        label=_("须两步验证登录的岗位"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Company
        fields = [
            "name",
            "short_name",
            "phone",
            "email",
            "address",
            "reveal_posts",
            "export_posts",
            "two_factor_posts",
            "idle_timeout_minutes",
            "access_log_retention_days",
            "rate_login",
            "rate_signup",
            "rate_code_per_number",
            "rate_code_per_address",
            "rate_password_reset",
            "rate_survey_link",
            "rate_metrics",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        for name in self.POST_FIELDS:
            self.fields[name].choices = Post.choices
            self.fields[name].help_text = Company._meta.get_field(name).help_text


class FixedParentMixin:
    """A building, unit or room keeps the parent it was created under.

    Units, rooms and occupancies copy their community (and building) from the parent when
    saved; moving a parent later would leave those copies stale and put the rooms outside the
    scope of the staff who look after them.
    """

    fixed_parent = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields[self.fixed_parent].disabled = True

    def clean(self):
        cleaned = super().clean()
        sent = self.data.get(self.add_prefix(self.fixed_parent))
        current = getattr(self.instance, f"{self.fixed_parent}_id")
        if self.instance.pk and sent not in (None, "") and str(sent) != str(current):
            message = _("创建后不能更改所属的%(field)s。")
            params = {"field": self.fields[self.fixed_parent].label}
            self.add_error(self.fixed_parent, ValidationError(message, "fixed", params))
        return cleaned


class CommunityForm(ScopedModelForm):
    class Meta:
        model = Community
        fields = ["code", "name", "city", "district", "address"]


class BuildingForm(FixedParentMixin, ScopedModelForm):
    scope_fields = {"community": selectors.communities_visible_to}
    fixed_parent = "community"

    class Meta:
        model = Building
        fields = ["community", "name"]


class UnitForm(FixedParentMixin, ScopedModelForm):
    scope_fields = {"building": selectors.buildings_visible_to}
    fixed_parent = "building"

    class Meta:
        model = Unit
        fields = ["building", "name"]
        # A company's buildings run to thousands: chosen by search, not from a select.
        widgets = {"building": SearchPicker("building_lookup", _("输入楼栋或小区名查找"))}


class RoomForm(FixedParentMixin, ScopedModelForm):
    scope_fields = {"unit": selectors.units_visible_to}
    fixed_parent = "unit"

    class Meta:
        model = Room
        fields = ["unit", "number", "floor", "area"]
        # Units run to tens of thousands: chosen by search, not from a select.
        widgets = {"unit": SearchPicker("unit_lookup", _("输入单元、楼栋或小区名查找"))}


class ResidentForm(ScopedModelForm):
    """Personal fields are never pre-filled on edit: blank keeps the stored value."""

    scope_fields = {"community": selectors.communities_visible_to}

    class Meta:
        model = Resident
        fields = ["name", "phone", "email", "id_number", "gender", "address", "community", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="off")
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"
        if self.instance.pk:
            for name in PERSONAL_FIELDS:
                self.initial[name] = ""
                self.fields[name].required = False
                self.fields[name].widget.attrs["placeholder"] = str(_("留空则保持不变"))

    def _keep_if_blank(self, name):
        value = (self.cleaned_data.get(name) or "").strip()
        if not value and self.instance.pk:
            return getattr(self.instance, name)
        return value

    def clean_phone(self):
        return normalize_phone(self._keep_if_blank("phone"))

    def clean_id_number(self):
        return self._keep_if_blank("id_number").upper()

    def clean_address(self):
        return self._keep_if_blank("address")


class OccupancyForm(ScopedModelForm):
    scope_fields = {
        "resident": selectors.residents_visible_to,
        "room": selectors.rooms_visible_to,
    }

    class Meta:
        model = Occupancy
        fields = ["resident", "room", "role", "move_in", "move_out"]
        widgets = {
            "move_in": forms.DateInput(attrs={"type": "date"}),
            "move_out": forms.DateInput(attrs={"type": "date"}),
            # Thousands of rooms and residents: chosen by search, submitted as ids.
            "resident": forms.HiddenInput,
            "room": forms.NumberInput,
        }

    def clean(self):
        cleaned = super().clean()
        room = cleaned.get("room")
        if room is not None:
            self.instance.community_id = room.community_id
        return cleaned


class DepartmentForm(ScopedModelForm):
    scope_fields = {"communities": selectors.communities_visible_to}

    class Meta:
        model = Department
        fields = ["code", "name", "kind", "communities", "contact_name", "contact_phone"]
        widgets = {"communities": forms.CheckboxSelectMultiple}


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
