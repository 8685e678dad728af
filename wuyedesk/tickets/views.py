from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from wuyedesk.core.views import staff_required
from wuyedesk.tickets import selectors

QUEUES = {
    "mine": _("我的工作"),
    "team": _("团队工单"),
    "department": _("部门队列"),
    "overdue": _("已超时"),
    "unassigned": _("未分配"),
    "return_visits": _("待回访"),
    "all": _("全部工单"),
}


@staff_required
def ticket_queue(request):
    name = request.GET.get("queue", "mine")
    if name not in QUEUES:
        raise Http404
    tickets = selectors.search(selectors.queue(request.user, name), request.GET.get("q", ""))
    page = Paginator(tickets, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "tickets/queue.html",
        {
            "queues": QUEUES,
            "queue": name,
            "page": page,
            "q": request.GET.get("q", ""),
            "title": QUEUES[name],
        },
    )


@staff_required
def ticket_detail(request, pk):
    ticket = selectors.ticket_get_for_user(request.user, pk)
    return render(
        request,
        "tickets/detail.html",
        {
            "ticket": ticket,
            "events": ticket.events.select_related("actor__staff"),
            "dispatches": ticket.dispatches.select_related("department", "assignee__staff"),
            "measures": ticket.measures.select_related("department", "owner__staff"),
            "title": ticket.number,
        },
    )
