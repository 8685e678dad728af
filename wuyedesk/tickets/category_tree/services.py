"""Edits of the ticket category tree (issue #12 point 7).

The tree has two levels (tickets.models.Category: 维修 → 电梯): a category's parent must be
a top-level category, and a category with sub-categories stays top-level. A category is never
deleted (tickets and knowledge articles point at it, PROTECT): it is deactivated, and a
deactivated one is no longer offered at intake nor in the portal. Every edit is checked
(no cycle, depth, a unique name among its siblings), written and audited in one transaction.
Category is reference data (tickets/receivers.py `reference.watch(Category)`): each save
gives a new reference version, so every process drops the pickers it built.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import require_post
from wuyedesk.accounts.choices import Post
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.properties.models import Department
from wuyedesk.tickets.models import Category

CATEGORY_EDITORS = (Post.MANAGER, Post.ADMIN)
# What Category allows: a parent and its children (tickets.models.Category).
MAX_DEPTH = 2
EDITABLE = ("name", "name_en", "parent", "default_department")


def _invalid(field: str, message: str, code: str = "invalid") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def category_tree() -> list[Category]:
    """Every top-level category (active or not) in order, each with `.kids` (its
    sub-categories in order) and `.ticket_count`."""
    rows = list(
        Category.objects.select_related("default_department")
        .annotate(ticket_count=Count("tickets"))
        .order_by("position", "code")
    )
    kids: dict[int, list[Category]] = {}
    for row in rows:
        if row.parent_id:
            kids.setdefault(row.parent_id, []).append(row)
    tops = [row for row in rows if not row.parent_id]
    for top in tops:
        top.kids = kids.get(top.pk, [])
    return tops


def parent_choices(exclude: Category | None = None):
    """Where a category may go: the top-level categories, not the category itself."""
    tops = Category.objects.filter(parent__isnull=True).order_by("position", "code")
    return tops.exclude(pk=exclude.pk) if exclude is not None and exclude.pk else tops


def department_choices():
    return Department.objects.filter(archived_at__isnull=True).order_by("code")


def _check(category: Category) -> None:
    """The rules of the tree for `category` as it is about to be saved."""
    name = category.name
    if not name:
        raise _invalid("name", _("请填写名称。"), "required")
    parent = category.parent
    if parent is not None:
        if category.pk and parent.pk == category.pk:
            raise _invalid("parent", _("分类不能放在自己下面。"), "cycle")
        if parent.parent_id is not None:
            raise _invalid(
                "parent",
                _("分类最多两级:只能放在一级分类下面。"),
                "depth",
            )
        if category.pk and category.children.exists():
            raise _invalid("parent", _("这个分类有下级分类,只能是一级分类。"), "depth")
    siblings = Category.objects.filter(parent=parent).exclude(pk=category.pk)
    if siblings.filter(name=name).exists():
        raise _invalid("name", _("同一上级下已有同名分类。"), "unique")
    if category.name_en and siblings.filter(name_en__iexact=category.name_en).exists():
        raise _invalid("name_en", _("同一上级下已有同名分类。"), "unique")
    department = category.default_department
    if department is not None and department.archived_at is not None:
        raise _invalid("default_department", _("该部门已归档。"))


def _next_code(parent: Category | None) -> str:
    stem = parent.code if parent is not None else "CAT"
    number = Category.objects.filter(parent=parent).count() + 1
    while Category.objects.filter(code=f"{stem}-{number}").exists():
        number += 1
    return f"{stem}-{number}"[:32]


def _label(value):
    return None if value is None else str(getattr(value, "pk", value))


def category_create(
    *, by, name: str, name_en: str = "", parent=None, default_department=None, code: str = ""
) -> Category:
    require_post(by, *CATEGORY_EDITORS)
    category = Category(
        name=(name or "").strip(),
        name_en=(name_en or "").strip(),
        parent=parent,
        default_department=default_department,
    )
    _check(category)
    code = (code or "").strip().upper()
    if code and Category.objects.filter(code=code).exists():
        raise _invalid("code", _("编码已被使用。"), "unique")
    with transaction.atomic():
        category.code = code or _next_code(parent)
        last = Category.objects.filter(parent=parent).aggregate(m=Max("position"))["m"]
        category.position = 0 if last is None else last + 1
        category.full_clean(validate_unique=False)
        category.save()
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            obj=category,
            changes={
                "name": [None, category.name],
                "name_en": [None, category.name_en],
                "parent": [None, _label(parent)],
                "default_department": [None, _label(default_department)],
            },
        )
    return category


def category_update(*, by, category: Category, **values) -> Category:
    """Change any of `EDITABLE` (name, name_en, parent, default_department): a rename, a move
    under another parent (to the end of its new siblings), the default department."""
    require_post(by, *CATEGORY_EDITORS)
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise _invalid(sorted(unknown)[0], _("不能修改这一项。"))
    before = {name: getattr(category, name) for name in EDITABLE}
    for name in ("name", "name_en"):
        if name in values:
            values[name] = (values[name] or "").strip()
    for name, value in values.items():
        setattr(category, name, value)
    try:
        _check(category)
    except ValidationError:
        for name, value in before.items():
            setattr(category, name, value)
        raise
    changes = {
        name: [_label(before[name]), _label(getattr(category, name))]
        for name in EDITABLE
        if getattr(before[name], "pk", before[name])
        != getattr(getattr(category, name), "pk", getattr(category, name))
    }
    if not changes:
        return category
    with transaction.atomic():
        if "parent" in changes:
            new_parent = category.parent
            last = Category.objects.filter(parent=new_parent).aggregate(m=Max("position"))["m"]
            category.position = 0 if last is None else last + 1
        category.full_clean(validate_unique=False)
        category.save()
        audit_record(actor=by, action=AuditAction.UPDATE, obj=category, changes=changes)
    return category


def category_move(*, by, category: Category, direction: str) -> Category:
    """Reorder: "up" or "down" among its siblings."""
    require_post(by, *CATEGORY_EDITORS)
    if direction not in ("up", "down"):
        raise _invalid("direction", _("方向只能是上移或下移。"))
    with transaction.atomic():
        siblings = list(
            Category.objects.select_for_update()
            .filter(parent_id=category.parent_id)
            .order_by("position", "code")
        )
        index = next(i for i, row in enumerate(siblings) if row.pk == category.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(siblings):
            return category
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, row in enumerate(siblings):
            if row.position != position:
                row.position = position
                row.save(update_fields=["position"])
        category.position = siblings.index(next(r for r in siblings if r.pk == category.pk))
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=category,
            changes={"position": [index, other]},
        )
    return category


def category_set_active(*, by, category: Category, active: bool) -> Category:
    """Deactivate (no longer offered for new tickets; its tickets keep it) or reactivate."""
    require_post(by, *CATEGORY_EDITORS)
    if category.active == active:
        return category
    parent_off = Category.objects.filter(pk=category.parent_id, active=False)
    if active and category.parent_id and parent_off.exists():
        raise _invalid("active", _("上级分类已停用,请先启用上级分类。"))
    with transaction.atomic():
        category.active = active
        category.save(update_fields=["active"])
        audit_record(
            actor=by,
            action=AuditAction.RESTORE if active else AuditAction.ARCHIVE,
            obj=category,
            changes={"active": [not active, active]},
        )
    return category
