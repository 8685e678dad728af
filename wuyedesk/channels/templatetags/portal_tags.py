from django import template

from wuyedesk.channels.models import Rating

register = template.Library()


@register.inclusion_tag("channels/_staff_rating.html")
def ticket_rating(ticket):
    """The customer's rating and confirmation on the staff ticket page (one query)."""
    rating = Rating.objects.filter(ticket_id=ticket.pk).prefetch_related("staff__staff").first()
    return {"rating": rating}
