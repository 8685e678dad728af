from django.utils.translation import gettext_lazy as _

from wuyedesk.accounts import selectors as staff_selectors
from wuyedesk.accounts import services as staff_services
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import Staff
from wuyedesk.core.resources import Column, Resource, register
from wuyedesk.properties import forms, selectors, services
from wuyedesk.properties.models import (
    Building,
    Community,
    Department,
    Occupancy,
    Resident,
    Room,
    Unit,
)

ADMIN = (Post.ADMIN.value,)
RECORD_KEEPERS = (Post.ADMIN.value, Post.MANAGER.value, Post.ASSISTANT.value)  # AST-1

communities = register(
    Resource(
        key="communities",
        model=Community,
        selector=selectors.communities_visible_to,
        form=forms.CommunityForm,
        write_posts=ADMIN,
        columns=(
            Column(_("编码"), "code"),
            Column(_("名称"), "name", link=True),
            Column(_("城市"), "city"),
            Column(_("区县"), "district"),
        ),
        search_fields=("code__icontains", "name__icontains"),
        filters={"city": "city"},
    )
)

buildings = register(
    Resource(
        key="buildings",
        model=Building,
        selector=selectors.buildings_visible_to,
        form=forms.BuildingForm,
        write_posts=ADMIN,
        columns=(Column(_("小区"), "community.name"), Column(_("楼栋"), "name", link=True)),
        search_fields=("name__icontains",),
        filters={"community": "community_id"},
    )
)

units = register(
    Resource(
        key="units",
        model=Unit,
        selector=selectors.units_visible_to,
        form=forms.UnitForm,
        write_posts=ADMIN,
        columns=(
            Column(_("小区"), "building.community.name"),
            Column(_("楼栋"), "building.name"),
            Column(_("单元"), "name", link=True),
        ),
        search_fields=("name__icontains",),
        filters={"community": "community_id", "building": "building_id"},
    )
)

rooms = register(
    Resource(
        key="rooms",
        model=Room,
        selector=selectors.rooms_visible_to,
        form=forms.RoomForm,
        write_posts=ADMIN,
        columns=(
            Column(_("地址"), "address", link=True),
            Column(_("楼层"), "floor"),
            Column(_("建筑面积(㎡)"), "area"),
        ),
        search_fields=("number__icontains",),
        filters={"community": "community_id", "building": "building_id", "unit": "unit_id"},
    )
)

residents = register(
    Resource(
        key="residents",
        model=Resident,
        selector=selectors.residents_visible_to,
        form=forms.ResidentForm,
        write_posts=RECORD_KEEPERS,
        columns=(
            Column(_("姓名"), "name", link=True),
            Column(_("电话"), "masked_phone"),
            Column(_("所属小区"), "community.name"),
        ),
        # A name through its pairs' index; a phone exact on the normalised number, never a
        # LIKE on personal data.
        search_with=selectors.resident_search,
        filters={"community": "community_id", "without_home": selectors.without_home},
        on_archive=services.resident_archived,
        log_access=True,
    )
)

occupancies = register(
    Resource(
        key="occupancies",
        model=Occupancy,
        selector=selectors.occupancies_visible_to,
        form=forms.OccupancyForm,
        write_posts=RECORD_KEEPERS,
        columns=(
            Column(_("住户"), "resident.name", link=True),
            Column(_("房屋"), "room.address"),
            Column(_("身份"), "get_role_display"),
            Column(_("入住日期"), "move_in"),
            Column(_("迁出日期"), "move_out"),
        ),
        filters={
            "community": "community_id",
            "room": "room_id",
            "resident": "resident_id",
            "role": "role",
        },
        archivable=False,
    )
)

departments = register(
    Resource(
        key="departments",
        model=Department,
        selector=selectors.departments_visible_to,
        form=forms.DepartmentForm,
        write_posts=ADMIN,
        columns=(
            Column(_("编码"), "code"),
            Column(_("名称"), "name", link=True),
            Column(_("类型"), "get_kind_display"),
            Column(_("联系人"), "contact_name"),
        ),
        search_fields=("code__icontains", "name__icontains"),
        filters={"kind": "kind"},
    )
)

# The staff records: accounts owns the model, their form picks departments and communities.
staff = register(
    Resource(
        key="staff",
        model=Staff,
        selector=staff_selectors.staff_visible_to,
        form=forms.StaffForm,
        write_posts=(Post.ADMIN.value,),
        columns=(
            Column(_("工号"), "employee_no"),
            Column(_("姓名"), "name", link=True),
            Column(_("岗位"), "post_labels"),
            Column(_("所属部门"), "department.name"),
        ),
        search_fields=("name__icontains", "employee_no__icontains", "user__username"),
        filters={"department": "department_id", "post": "posts__post"},
        save=staff_services.staff_save,
        on_archive=staff_services.staff_archived,
    )
)
