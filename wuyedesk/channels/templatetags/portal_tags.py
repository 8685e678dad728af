from django import template

from wuyedesk.channels.models import Rating
from wuyedesk.tickets import selectors as ticket_selectors

register = template.Library()


@register.inclusion_tag("channels/_staff_rating.html")
def ticket_rating(ticket):
    """The customer's rating and confirmation of the result, on the staff ticket page."""
    rating = Rating.objects.filter(ticket_id=ticket.pk).prefetch_related("staff__staff").first()
    confirmed = ticket_selectors.customer_confirmation(ticket)
    return {"rating": rating, "confirmed": confirmed}
