from django import template

from wuyedesk.channels.models import Rating
from wuyedesk.tickets import selectors as ticket_selectors

register = template.Library()


@register.filter
def stage(ticket):
    """The ticket's stage as its customer is told it (已受理 / 处理中 / 待您确认 / 已完成),
    never the desk's status; read from the annotations of the portal's lists."""
    return ticket_selectors.customer_stage(ticket)


@register.filter
def is_image(attachment) -> bool:
    return attachment.content_type.startswith("image/")


@register.inclusion_tag("channels/_staff_rating.html")
def ticket_rating(ticket):
    """The customer's rating and confirmation of the result, on the staff ticket page."""
    rating = Rating.objects.filter(ticket_id=ticket.pk).prefetch_related("staff__staff").first()
    confirmed = ticket_selectors.customer_confirmation(ticket)
    return {"rating": rating, "confirmed": confirmed}
