"""Reads for the portal (a resident's own tickets, rooms and announcements) and for the staff
pages of the portal (the sign-up queue, announcements), each scoped to who asks."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import has_post, scope_to_communities
from wuyedesk.accounts.choices import Post
from wuyedesk.channels.models import Announcement, Signup, SignupStatus
from wuyedesk.properties.models import Building, Community, Room
from wuyedesk.properties.selectors import (
    active_buildings,
    active_communities,
    resident_households,
    residents_visible_to,
)
from wuyedesk.tickets import selectors as ticket_selectors
from wuyedesk.tickets.choices import Kind
from wuyedesk.tickets.models import Ticket

SIGNUP_POSTS = (Post.ASSISTANT, Post.MANAGER)
# The version every write to a sign-up bumps (receivers.py; the verification's claim, an
# update, bumps it itself), under which the homes keep their count of sign-ups to review.
SIGNUPS_VERSION = "signups"
ANNOUNCE_POSTS = (Post.MANAGER, Post.ASSISTANT, Post.SPECIALIST)
ANNOUNCE_READERS = (*ANNOUNCE_POSTS, Post.ADMIN, Post.EXECUTIVE, Post.SUPERVISOR)


def _is_resident(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_resident)


def current_homes(user) -> list:
    """The resident's current occupancies, each with its room's address loaded."""
    if not _is_resident(user):
        return []
    return [o for o in resident_households(user.resident) if o.is_current]


def my_tickets(user):
    """The tickets a resident raised (or that were recorded for them): nobody else's."""
    if not _is_resident(user):
        return Ticket.objects.none()
    return ticket_selectors.tickets_of_customer(user.resident_id)


def my_ticket(user, pk):
    """One of the resident's own tickets (with its stage and rating, rating_of); anybody
    else's is a 404, as if it did not exist."""
    ticket = ticket_selectors.customer_ticket(user.resident_id, pk) if _is_resident(user) else None
    if ticket is None:
        raise Http404
    return ticket


def rating_of(ticket):
    """The resident's rating of a ticket read by my_ticket, or None."""
    return ticket.rating if ticket.rated else None


def public_timeline(ticket):
    """Only what the customer may see (tickets/visibility.py): messages to them with their
    text, progress rows (a transfer, a follow-up, a return visit) without staff's text, never
    internal notes. Actors appear by role (staff) or as the customer, not by name."""
    return ticket_selectors.customer_timeline(ticket)


def promised(ticket) -> list[tuple[str, object, bool]]:
    """(label, due, met?) of the deadlines the company promised the customer."""
    rows = []
    if ticket.follow_up_due:
        rows.append((_("答复期限"), ticket.follow_up_due, ticket.followed_up_at is not None))
    if ticket.kind == Kind.COMPLAINT and ticket.investigation_due:
        rows.append((_("处理期限"), ticket.investigation_due, ticket.decided_at is not None))
    return rows


def public_attachments(ticket):
    return ticket_selectors.public_attachments(ticket)


def public_files(ticket) -> list:
    """The files of the customer's ticket page and API (public_attachments, as a list)."""
    return ticket_selectors.customer_files(ticket)


def my_attachment(user, ticket_pk, pk):
    """A file the resident may download: shown to the customer, on one of their own tickets;
    anything else is a 404 (page and API)."""
    return get_object_or_404(public_attachments(my_ticket(user, ticket_pk)), pk=pk)


def has_answer(ticket) -> bool:
    """Whether the customer has been answered: something to confirm or rate."""
    return ticket_selectors.customer_answered(ticket)


def announcements_for(user, *, limit: int = 20):
    """Published announcements for the communities and buildings the resident lives in."""
    homes = current_homes(user)
    if not homes:
        return Announcement.objects.none()
    communities = {o.room.community_id for o in homes}
    buildings = {o.room.building_id for o in homes}
    return (
        Announcement.objects.filter(
            publish_at__lte=timezone.now(),
            community_id__in=communities,
            withdrawn_at__isnull=True,
        )
        .filter(Q(building__isnull=True) | Q(building_id__in=buildings))
        .select_related("community", "building")
        .order_by("-publish_at", "-id")[:limit]
    )


def announcement_for(user, pk):
    homes = current_homes(user)
    communities = {o.room.community_id for o in homes}
    buildings = {o.room.building_id for o in homes}
    qs = Announcement.objects.filter(
        publish_at__lte=timezone.now(), community_id__in=communities, withdrawn_at__isnull=True
    ).filter(Q(building__isnull=True) | Q(building_id__in=buildings))
    return get_object_or_404(qs.select_related("community", "building"), pk=pk)


def require_announcement_reader(user) -> None:
    """Who reads the announcements list (page and API): PermissionDenied for anyone else."""
    if not has_post(user, *ANNOUNCE_READERS):
        raise PermissionDenied


def announcement_communities(user):
    """The communities an announcement may go to: the user's, not archived."""
    return active_communities(user)


def announcement_buildings(user):
    """The buildings an announcement may go to: the user's, not archived."""
    return active_buildings(user)


def announcements_visible_to(user):
    """Staff: announcements of their communities."""
    if not has_post(user, *ANNOUNCE_READERS):
        return Announcement.objects.none()
    return scope_to_communities(
        Announcement.objects.select_related(
            "community", "building", "created_by__staff", "withdrawn_by__staff"
        ),
        user,
    )


def signups_visible_to(user):
    """The sign-up queue: assistants and managers of the room's community."""
    if not has_post(user, *SIGNUP_POSTS):
        return Signup.objects.none()
    return scope_to_communities(
        Signup.objects.select_related(
            "room__unit__building__community", "decided_by__staff", "community"
        ),
        user,
    )


def require_signup_staff(user) -> None:
    """Who reviews sign-ups (page and API): PermissionDenied for anyone else."""
    if not has_post(user, *SIGNUP_POSTS):
        raise PermissionDenied


def signup_get_for_user(user, pk) -> Signup:
    """A sign-up of the user's communities for review: 403 for someone who reviews none,
    404 outside their communities."""
    require_signup_staff(user)
    return get_object_or_404(signups_visible_to(user), pk=pk)


def signup_link_candidates(user, signup):
    """The residents a sign-up may be linked to: active residents of its community that the
    user may see."""
    return residents_visible_to(user).filter(
        archived_at__isnull=True, community_id=signup.community_id
    )


def pending_signups(user):
    return signups_visible_to(user).filter(status=SignupStatus.PENDING)


# The sign-up form's pickers: any active community, building and room (names, no people).


def signup_communities():
    return Community.objects.filter(archived_at__isnull=True).order_by("code")


def signup_buildings(community_id):
    return Building.objects.filter(community_id=community_id, archived_at__isnull=True).order_by(
        "name"
    )


def signup_rooms(building_id):
    return (
        Room.objects.filter(building_id=building_id, archived_at__isnull=True)
        .select_related("unit")
        .order_by("unit__name", "number")
    )


def signup_room(pk):
    return (
        Room.objects.filter(pk=pk, archived_at__isnull=True)
        .select_related("unit__building__community")
        .first()
    )
