"""`{% archive_section room=… %}` / `{% archive_section resident=… %}`: the customer
archive's block on a room's or resident's record page (issue #15 point 8) — its number of
kept documents, a link to them and, for the keepers, to upload one. Nothing for a post that
may not read the archive. Properties' templates load it; properties' code imports nothing
of the archive."""

from django import template

from wuyedesk.archive import selectors

register = template.Library()


@register.inclusion_tag("archive/_section.html", takes_context=True)
def archive_section(context, room=None, resident=None):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not selectors.may_read(user):
        return {"show": False}
    owner = room if room is not None else resident
    kept = selectors.documents_of(user, room=room, resident=resident).filter(
        destroyed_at__isnull=True
    )
    return {
        "show": True,
        "key": "room" if room is not None else "resident",
        "owner": owner,
        "kept": kept.count(),
        "can_keep": selectors.may_keep(user) and not owner.archived_at,
    }
