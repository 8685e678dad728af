from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.selectors import audit_search
from wuyedesk.core.views import staff_required


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
