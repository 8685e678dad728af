from django import template

from wuyedesk.channels.models import Rating
from wuyedesk.tickets.choices import EventKind

register = template.Library()


@register.inclusion_tag("channels/_staff_rating.html")
def ticket_rating(ticket):
    """The customer's rating and confirmation of the result, on the staff ticket page."""
    rating = Rating.objects.filter(ticket_id=ticket.pk).prefetch_related("staff__staff").first()
    confirmed = ticket.events.filter(kind=EventKind.CONFIRMED).order_by("at").first()
    return {"rating": rating, "confirmed": confirmed}
