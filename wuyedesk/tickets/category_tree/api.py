"""/api/v1/categories: the ticket category tree for its editors (issue #12 point 7).

The manager and the administrator read the whole tree (inactive categories too) and edit it;
everyone else gets 403. Bad input is 422 naming the field, an unknown category 404; nothing
changes on an error (api/errors.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from wuyedesk.accounts.access import has_post
from wuyedesk.api.schemas import ErrorOut, Id
from wuyedesk.properties.models import Department
from wuyedesk.tickets.categories import category_label
from wuyedesk.tickets.category_tree.services import (
    CATEGORY_EDITORS,
    category_create,
    category_move,
    category_set_active,
    category_tree,
    category_update,
)
from wuyedesk.tickets.models import Category

router = Router(tags=["categories"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class CategoryNodeOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    label: str = Field(..., description="the name in the requester's language")
    parent: int | None
    default_department: int | None
    default_department_name: str | None
    position: int
    active: bool
    ticket_count: int | None = Field(None, description="tickets filed under it (tree only)")
    children: list["CategoryNodeOut"] = []


class CategoryIn(Schema):
    name: str = Field(..., max_length=40)
    name_en: str = Field("", max_length=60)
    parent: Id | None = Field(None, description="a top-level category; none: top level")
    default_department: Id | None = None
    code: str = Field("", max_length=32, description="unique; empty: generated")


class CategoryPatch(Schema):
    name: str | None = Field(None, max_length=40)
    name_en: str | None = Field(None, max_length=60)
    parent: Id | None = Field(None, description="null: make it top-level")
    default_department: Id | None = None


class MoveIn(Schema):
    direction: str = Field(..., description='"up" or "down" among its siblings')


def _node(category: Category, children=()) -> dict:
    department = category.default_department
    return {
        "id": category.pk,
        "code": category.code,
        "name": category.name,
        "name_en": category.name_en,
        "label": category_label(category),
        "parent": category.parent_id,
        "default_department": category.default_department_id,
        "default_department_name": department.name if department else None,
        "position": category.position,
        "active": category.active,
        "ticket_count": getattr(category, "ticket_count", None),
        "children": [_node(kid) for kid in children],
    }


def _require_editor(request):
    if not has_post(request.auth, *CATEGORY_EDITORS):
        raise PermissionDenied


def _lookup(model, pk, field, **filters):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk, **filters).first()
    if found is None:
        raise ValidationError({field: ValidationError(_("选择无效。"), code="invalid_choice")})
    return found


def _refs(values: dict) -> dict:
    if "parent" in values:
        values["parent"] = _lookup(Category, values["parent"], "parent")
    if "default_department" in values:
        values["default_department"] = _lookup(
            Department, values["default_department"], "default_department", archived_at=None
        )
    return values


def _one(pk: int) -> Category:
    return get_object_or_404(Category.objects.select_related("parent", "default_department"), pk=pk)


@router.get("/tree", response={200: list[CategoryNodeOut], **ERRORS}, operation_id="category_tree")
def category_tree_list(request):
    """Every category in order, sub-categories under their parent, inactive ones included."""
    _require_editor(request)
    return [_node(top, top.kids) for top in category_tree()]


@router.post("", response={201: CategoryNodeOut, **ERRORS}, operation_id="category_create")
def category_add(request, payload: CategoryIn):
    """Add a category (at the end of its siblings)."""
    _require_editor(request)
    category = category_create(by=request.auth, **_refs(payload.dict()))
    return Status(201, _node(category))


@router.patch("/{pk}", response={200: CategoryNodeOut, **ERRORS}, operation_id="category_update")
def category_change(request, pk: int, payload: CategoryPatch):
    """Rename, move under another parent (or to the top level), set the default department:
    only the fields sent change."""
    _require_editor(request)
    category = _one(pk)
    values = _refs(payload.dict(exclude_unset=True))
    for name in ("name", "name_en"):
        if name in values and values[name] is None:
            values[name] = ""
    return _node(category_update(by=request.auth, category=category, **values))


@router.post("/{pk}/move", response={200: CategoryNodeOut, **ERRORS}, operation_id="category_move")
def category_reorder(request, pk: int, payload: MoveIn):
    """Move one place up or down among its siblings."""
    _require_editor(request)
    category = category_move(by=request.auth, category=_one(pk), direction=payload.direction)
    return _node(category)


@router.post(
    "/{pk}/deactivate",
    response={200: CategoryNodeOut, **ERRORS},
    operation_id="category_deactivate",
)
def category_deactivate(request, pk: int):
    """No longer offered for new tickets; its tickets keep it. Categories are never deleted."""
    _require_editor(request)
    return _node(category_set_active(by=request.auth, category=_one(pk), active=False))


@router.post(
    "/{pk}/activate", response={200: CategoryNodeOut, **ERRORS}, operation_id="category_activate"
)
def category_activate(request, pk: int):
    """Offer it again (its parent must be active)."""
    _require_editor(request)
    return _node(category_set_active(by=request.auth, category=_one(pk), active=True))
