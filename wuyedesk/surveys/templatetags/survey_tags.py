from django import template

from wuyedesk.surveys.selectors import pending_for_resident

register = template.Library()


@register.simple_tag
def pending_surveys(user):
    """The resident's unanswered surveys (portal home), one query."""
    return list(pending_for_resident(user)[:5])
