from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from wuyedesk.accounts.decorators import staff_required
from wuyedesk.audit.forms import AccessLogFilterForm
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.selectors import (
    RESIDENT_TYPE,
    access_log_search,
    access_log_visible_to,
    audit_search,
)
from wuyedesk.lib.paging import page_of

ACCESS_PAGE_SIZE = 50


@staff_required
def audit_list(request):
    params = {k: request.GET.get(k, "").strip() for k in ("q", "action", "object_type", "actor")}
    entries = audit_search(request.user, **params)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/list.html",
        {
            "page": page,
            "params": params,
            "actions": AuditAction.choices,
            "query": query.urlencode(),
            "title": _("审计日志"),
        },
    )


@staff_required
def access_log(request):
    """Who opened a resident's record, revealed a number or exported a list (PIPL)."""
    entries = access_log_visible_to(request.user)  # 403 for any post but manager and admin
    form = AccessLogFilterForm(request.GET)
    if form.is_valid():
        entries = access_log_search(request.user, **form.cleaned_data)
    else:
        messages.error(request, _("请更正下面标出的筛选条件。"))
        entries = entries.none()
    page = page_of(entries, request.GET.get("page"), ACCESS_PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/access_log.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "resident_type": RESIDENT_TYPE,
            "title": _("访问日志"),
        },
    )
