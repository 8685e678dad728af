"""The customer's verdict (SUP-2): confirming the result and rating it, counted for the
people and departments who handled the ticket."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from wuyedesk.channels.models import Rating
from wuyedesk.channels.selectors import has_answer
from wuyedesk.channels.services.common import (
    COMMENT_MAX,
    invalid,
    require_resident,
    too_long,
)
from wuyedesk.notifications.services import notify
from wuyedesk.tickets import selectors as ticket_selectors
from wuyedesk.tickets import services as ticket_services
from wuyedesk.tickets.choices import EventKind

log = logging.getLogger(__name__)


def may_confirm(ticket) -> bool:
    return has_answer(ticket) and not ticket_selectors.customer_confirmed(ticket)


@transaction.atomic
def portal_confirm(*, by, ticket, text: str = ""):
    """The customer accepts the result they were given."""
    require_resident(by)
    too_long("text", text or "", COMMENT_MAX)
    if not has_answer(ticket):
        raise ValidationError(_("工单尚未答复,暂不能确认结果。"), code="invalid_state")
    if ticket_selectors.customer_confirmed(ticket):
        raise ValidationError(_("您已确认过处理结果。"), code="invalid_state")
    return ticket_services.ticket_customer_record(
        by=by, ticket=ticket, kind=EventKind.CONFIRMED, body=(text or "").strip()
    )


@transaction.atomic
def portal_rate(*, by, ticket, stars: int, comment: str = "") -> Rating:
    """SUP-2: 1–5 stars and a comment, once per ticket, once it has been answered."""
    require_resident(by)
    if ticket.resident_id != by.resident_id:
        raise PermissionDenied
    if not isinstance(stars, int) or not 1 <= stars <= 5:
        raise invalid("stars", _("请选择 1 到 5 星。"), "invalid_choice")
    comment = (comment or "").strip()
    too_long("comment", comment, COMMENT_MAX)
    if not has_answer(ticket):
        raise ValidationError(_("工单尚未答复,暂不能评价。"), code="invalid_state")
    if Rating.objects.filter(ticket=ticket).exists():
        raise invalid("stars", _("每张工单只能评价一次。"), "already_rated")
    people, departments = ticket_selectors.ticket_handlers(ticket)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                ticket=ticket,
                community_id=ticket.community_id,
                resident_id=by.resident_id,
                stars=stars,
                comment=comment,
            )
    except IntegrityError:  # two clicks at once: the first one counts
        raise invalid("stars", _("每张工单只能评价一次。"), "already_rated") from None
    rating.staff.set(people)
    rating.departments.set(departments)
    ticket_services.ticket_customer_record(
        by=by, ticket=ticket, kind=EventKind.RATING, body=comment, stars=stars
    )
    if ticket.owner_id:
        text = _("工单 %(number)s 收到客户评价:%(stars)s 星") % {
            "number": ticket.number,
            "stars": stars,
        }
        owner = ticket.owner
        transaction.on_commit(
            lambda: notify(
                users=[owner],
                kind="rating",
                text=text,
                link=reverse("ticket_detail", kwargs={"pk": ticket.pk}),
                key=f"rating:{ticket.pk}",
            )
        )
    return rating
