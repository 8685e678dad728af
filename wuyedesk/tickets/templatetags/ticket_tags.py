import datetime as dt

from django import template
from django.utils import timezone

from wuyedesk.tickets.choices import Audience, Satisfaction
from wuyedesk.tickets.display import relative
from wuyedesk.tickets.rows import person_of
from wuyedesk.tickets.visibility import audience_of, event_body

register = template.Library()


@register.filter
def staff_name(user_id):
    """The name of the staff account `user_id` ("" for none), from the names each process
    holds (tickets.rows.person_of)."""
    person = person_of(user_id)
    return person["name"] if person else ""


@register.filter
def until(due):
    """Time left ("剩余 3小时20分钟") or over ("已超时 1天2小时"); empty without a deadline."""
    if due is None:
        return ""
    return relative(due)[0]


@register.filter
def satisfaction_label(value):
    try:
        return Satisfaction(value).label
    except ValueError:
        return value


@register.filter
def iso_local(value, fmt="%Y-%m-%d %H:%M"):
    """An ISO timestamp kept in an event's data, in the company's time zone."""
    try:
        return timezone.localtime(dt.datetime.fromisoformat(value)).strftime(fmt)
    except (TypeError, ValueError):
        return value


@register.filter
def is_past(value) -> bool:
    return value is not None and value <= timezone.now()


@register.filter
def audience(event):
    """Who reads this timeline row: customer, progress or internal (tickets/visibility.py)."""
    return audience_of(event)


@register.filter
def audience_label(value):
    return Audience(value).label


@register.filter
def event_text(event) -> str:
    """A timeline row's text in the reader's language (visibility.event_body)."""
    return event_body(event)
