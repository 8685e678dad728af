from django.utils.translation import gettext_lazy as _

from wuyedesk.accounts import forms, selectors, services
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import Staff
from wuyedesk.core.resources import Column, Resource, register

staff = register(
    Resource(
        key="staff",
        model=Staff,
        selector=selectors.staff_visible_to,
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
        save=services.staff_save,
        on_archive=services.staff_archived,
    )
)
