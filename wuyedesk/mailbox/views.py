"""The assistants' mail queue: mail that needs a person (unparsed, unknown sender, refused
attachments, too large), each mail viewed safely, and the actions on it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuyedesk.accounts.decorators import staff_required
from wuyedesk.core.downloads import download
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.lib.paging import page_of
from wuyedesk.mailbox import selectors, services
from wuyedesk.mailbox.forms import LinkSenderForm
from wuyedesk.mailbox.inbound import read_raw
from wuyedesk.mailbox.parsing import readable
from wuyedesk.mailbox.services import NEEDS_TICKET, RETRY

QUEUE_LABELS = {
    "attention": gettext_lazy("待处理"),
    "unparsed": gettext_lazy("无法解析"),
    "unknown": gettext_lazy("未识别发件人"),
    "automated": gettext_lazy("自动邮件"),
    "all": gettext_lazy("全部来信"),
}
RAW_SHOWN = 200_000  # characters of the source shown on the page; the rest is downloaded


def _require_mail_staff(user):
    if not selectors.may_handle_mail(user):
        raise PermissionDenied


@staff_required
@require_GET
def mail_queue(request):
    _require_mail_staff(request.user)
    name = request.GET.get("queue", "attention")
    if name not in selectors.QUEUES:
        raise Http404
    page = page_of(selectors.mail_queue(request.user, name), request.GET.get("page"))
    return render(
        request,
        "mailbox/queue.html",
        {"page": page, "queue": name, "queues": QUEUE_LABELS.items(), "query": f"queue={name}"},
    )


def _detail(request, mail, form=None, status=200):
    raw = read_raw(mail)
    source = readable(raw[:RAW_SHOWN])
    return render(
        request,
        "mailbox/detail.html",
        {
            "mail": mail,
            "form": form or LinkSenderForm(user=request.user),
            "source": source,
            "source_cut": len(raw) > RAW_SHOWN,
            "answers": selectors.answers_of(mail),
            "may_retry": mail.status in RETRY,
            "makes_ticket": mail.ticket_id is None and mail.status in NEEDS_TICKET,
        },
        status=status,
    )


@staff_required
@require_GET
def mail_detail(request, pk):
    _require_mail_staff(request.user)
    return _detail(request, selectors.mail_get_for_user(request.user, pk))


@staff_required
@require_GET
def mail_raw(request, pk):
    """The mail as it arrived, as a download: never rendered by the browser."""
    _require_mail_staff(request.user)
    mail = selectors.mail_get_for_user(request.user, pk)
    return download(
        read_raw(mail), filename=f"mail-{mail.pk}.eml", content_type="application/octet-stream"
    )


@staff_required
@require_http_methods(["POST"])
def mail_link(request, pk):
    _require_mail_staff(request.user)
    mail = selectors.mail_get_for_user(request.user, pk)
    form = LinkSenderForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            mail = services.mail_link_sender(
                by=request.user,
                mail=mail,
                resident=form.cleaned_data["resident"],
                remember=form.cleaned_data["remember"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已关联住户。"))
            return redirect("mail_detail", pk=mail.pk)
    return _detail(request, mail, form=form, status=422)


@staff_required
@require_POST
def mail_retry(request, pk):
    _require_mail_staff(request.user)
    mail = selectors.mail_get_for_user(request.user, pk)
    try:
        mail = services.mail_retry(by=request.user, mail=mail)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.info(request, _("已重新处理:%(status)s") % {"status": mail.get_status_display()})
    return redirect("mail_detail", pk=mail.pk)


@staff_required
@require_POST
def mail_dismiss(request, pk):
    _require_mail_staff(request.user)
    mail = selectors.mail_get_for_user(request.user, pk)
    try:
        services.mail_dismiss(by=request.user, mail=mail)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已标记为处理完毕。"))
    return redirect("mail_queue")
