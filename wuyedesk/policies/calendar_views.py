"""工作日历 /settings/calendar/: the company's own days off and extra working days."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuyedesk.accounts.access import has_post, require_post
from wuyedesk.accounts.decorators import staff_required
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.policies.calendar_forms import CalendarDayForm
from wuyedesk.policies.calendar_services import (
    CALENDAR_EDITORS,
    CALENDAR_READERS,
    calendar_day_add,
    calendar_day_remove,
    calendar_days,
)
from wuyedesk.policies.models import CalendarDay
from wuyedesk.policies.services import policy


@staff_required
def calendar_page(request):
    require_post(request.user, *CALENDAR_READERS)
    may_edit = has_post(request.user, *CALENDAR_EDITORS)
    form = CalendarDayForm(request.POST or None)
    status = 200
    if request.method == "POST":
        require_post(request.user, *CALENDAR_EDITORS)
        if form.is_valid():
            try:
                calendar_day_add(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("已保存。此后开始计时的工单按新日历计算。"))
                return redirect("calendar_days")
        status = 400
    rules = policy()
    return render(
        request,
        "policies/calendar.html",
        {
            "title": _("工作日历"),
            "form": form if may_edit else None,
            "days": calendar_days(),
            "rules": rules,
        },
        status=status,
    )


@staff_required
@require_POST
def calendar_day_delete(request, pk: int):
    require_post(request.user, *CALENDAR_EDITORS)
    day = get_object_or_404(CalendarDay, pk=pk)
    calendar_day_remove(by=request.user, day=day)
    messages.success(request, _("已删除。"))
    return redirect("calendar_days")
