"""One description per record type, shared by the pages and the API.

A Resource names the model, the selector that scopes it, the form that validates input
(for pages and API alike, so both give the same field errors), who may write, and what
a list shows. The generic views and endpoints read it; nothing filters by hand.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Model, Q, QuerySet

from wuyedesk.lib.privacy import normalize_phone


@dataclass(frozen=True)
class Column:
    label: str
    attr: str  # dotted path on the row, or a method name on the Resource's row helpers
    link: bool = False


@dataclass(frozen=True)
class Resource:
    key: str  # URL segment: /communities/, /api/v1/communities
    model: type[Model]
    selector: Callable[..., QuerySet]
    form: type
    write_posts: tuple[str, ...]
    columns: tuple[Column, ...]
    search_fields: tuple[str, ...] = ()
    # Optional function (queryset, text) -> queryset that searches instead of search_fields,
    # where a lookup would read every row (residents' names through their pairs' index).
    search_with: Callable | None = None
    # query parameter -> ORM lookup, e.g. {"community": "community_id"}, or a function
    # (queryset, value) -> queryset for a named list that no lookup expresses
    filters: dict[str, str | Callable] = field(default_factory=dict)
    # Optional service taking (by=, form=, instance=) that writes instead of the generic one.
    save: Callable | None = None
    archivable: bool = True
    # Optional service taking (by=, instance=) that runs in the archiving transaction, e.g.
    # revoking an archived staff member's tokens and sessions.
    on_archive: Callable | None = None
    # Opening one record (page or API detail) is written to the access log (PIPL).
    log_access: bool = False
    icon: str = ""

    @property
    def verbose_name(self) -> str:
        return self.model._meta.verbose_name

    @property
    def verbose_name_plural(self) -> str:
        return self.model._meta.verbose_name_plural

    def search(self, queryset: QuerySet, text: str) -> QuerySet:
        text = text.strip()
        if text and self.search_with is not None:
            return self.search_with(queryset, text)
        if not text or not self.search_fields:
            return queryset
        condition = Q()
        for name in self.search_fields:
            # Phone numbers match exactly on the stored digits, however they were typed.
            value = normalize_phone(text) if name.split("__")[-1] == "phone" else text
            condition |= Q(**{name: value})
        return queryset.filter(condition)

    def apply_filters(self, queryset: QuerySet, params) -> tuple[QuerySet, dict]:
        """Apply the known filters present in params; bad values raise ValueError with the name."""
        applied = {}
        for name, lookup in self.filters.items():
            value = params.get(name)
            if value in (None, ""):
                continue
            if callable(lookup):  # a named list (e.g. residents without a home): its function
                queryset = lookup(queryset, value)  # raises ValueError(name) on a bad value
                applied[name] = value
                continue
            if lookup.endswith("_id") or lookup.endswith("__id"):
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    raise ValueError(name) from None
            queryset = queryset.filter(**{lookup: value})
            applied[name] = value
        if self.archivable and str(params.get("archived", "")).lower() not in {"1", "true", "yes"}:
            queryset = queryset.filter(archived_at__isnull=True)
        return queryset, applied


REGISTRY: dict[str, Resource] = {}


def register(resource: Resource) -> Resource:
    REGISTRY[resource.key] = resource
    return resource


def resolve_attr(obj, path: str):
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part)
        if callable(obj):
            obj = obj()
    return obj
