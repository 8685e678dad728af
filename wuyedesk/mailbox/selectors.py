"""Reads of stored mail, scoped: assistants, managers and administrators see the mail of
their communities and the mail not yet placed in any community (someone has to place it)."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from wuyedesk.accounts.access import community_ids, has_post
from wuyedesk.accounts.choices import Post
from wuyedesk.mailbox import imap
from wuyedesk.mailbox.choices import InboundStatus
from wuyedesk.mailbox.models import InboundMail, MailboxState, OutboundMail

MAIL_POSTS = (Post.ASSISTANT, Post.MANAGER, Post.ADMIN)
QUEUES = ("attention", "unparsed", "unknown", "automated", "all")


def may_handle_mail(user) -> bool:
    return has_post(user, *MAIL_POSTS)


def mails_visible_to(user):
    qs = InboundMail.objects.select_related("ticket", "resident", "community")
    if not may_handle_mail(user):
        return qs.none()
    ids = community_ids(user)
    if ids is None:
        return qs
    return qs.filter(Q(community_id__in=ids) | Q(community__isnull=True))


def mail_get_for_user(user, pk):
    return get_object_or_404(mails_visible_to(user), pk=pk)


def mail_queue(user, name: str):
    qs = mails_visible_to(user).defer("body_text", "body_html", "references")
    if name == "attention":
        qs = qs.filter(attention=True)
    elif name == "unparsed":
        qs = qs.filter(status__in=[InboundStatus.UNPARSED, InboundStatus.ERROR])
    elif name == "unknown":
        qs = qs.filter(attention=True, resident__isnull=True).exclude(
            status__in=[InboundStatus.UNPARSED, InboundStatus.ERROR, InboundStatus.TOO_LARGE]
        )
    elif name == "automated":
        qs = qs.filter(status=InboundStatus.AUTOMATED)
    return qs.order_by("-id")


def answers_of(mail):
    return OutboundMail.objects.filter(inbound=mail).order_by("id")


def last_poll_at():
    """When the configured mailbox was last polled to the end without an error; None when
    no mailbox is configured or it was never polled (the metrics' mail poll lag)."""
    if not imap.configured():
        return None
    return (
        MailboxState.objects.filter(mailbox=imap.mailbox_key())
        .values_list("polled_at", flat=True)
        .first()
    )
