"""Category pickers: the two-level tree as <optgroup>s, labelled in the page's language."""

from django.db.models import Q
from django.utils.translation import get_language

from wuyedesk.lib.statements import Statement, is_key
from wuyedesk.tickets.models import Category


def category_label(category: Category) -> str:
    if (get_language() or "").startswith("en") and category.name_en:
        return category.name_en
    return category.name


def active_categories():
    return Category.objects.filter(active=True).filter(
        Q(parent__isnull=True) | Q(parent__active=True)
    )


# An active category with its parent, and whether it has sub-categories (t1: the parent).
_ACTIVE_CATEGORY = Statement(
    Category,
    "parent",
    where='t0."id" = %s AND t0."active" = %s AND (t0."parent_id" IS NULL OR t1."active" = %s)',
    extra={
        "has_children": (
            f'EXISTS (SELECT 1 FROM "{Category._meta.db_table}" c'  # noqa: S608  (a table name)
            ' WHERE c."parent_id" = t0."id")',
            bool,
        )
    },
)


def active_category(pk: int) -> Category | None:
    """The active category `pk` with its parent and `has_children`: read for every ticket
    created, in one statement (lib/statements.py; by the ORM 0.5 ms CPU, most of it
    compiling)."""
    return _ACTIVE_CATEGORY.first([pk, True, True]) if is_key(pk) else None


def has_children(category: Category) -> bool:
    """Does a top-level category have sub-categories (so a ticket needs one of them)?"""
    if category.parent_id is not None:
        return False
    known = getattr(category, "has_children", None)
    return category.children.exists() if known is None else bool(known)


def leaf_categories():
    """What a ticket may be filed under: active categories without active children."""
    return active_categories().exclude(children__active=True)


def grouped_choices(*, leaves_only: bool) -> list:
    """[("", "—"), (parent label, [(child pk, child label), …]), (leaf pk, label), …].

    With `leaves_only` a parent with children is only a group heading (not choosable);
    otherwise it is the first option of its own group, so general answers can be filed there."""
    rows = list(active_categories().order_by("position", "code"))
    children: dict[int, list[Category]] = {}
    for category in rows:
        if category.parent_id:
            children.setdefault(category.parent_id, []).append(category)
    choices: list = [("", "—")]
    for category in rows:
        if category.parent_id:
            continue
        kids = children.get(category.pk, [])
        if not kids:
            choices.append((category.pk, category_label(category)))
            continue
        options = [(kid.pk, category_label(kid)) for kid in kids]
        if not leaves_only:
            options.insert(0, (category.pk, category_label(category)))
        choices.append((category_label(category), options))
    return choices
