"""Pages of shifts, the duty roster with its coverage gaps, and the time clock import (MGT-1,
AST-5)."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuyedesk.accounts.decorators import staff_passes_test, staff_required
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.properties.selectors import communities_visible_to
from wuyedesk.staffing import coverage, rules, services
from wuyedesk.staffing.clock_import import ImportFileError, clock_import
from wuyedesk.staffing.forms import ImportForm, RosterForm, ShiftForm
from wuyedesk.staffing.models import RosterEntry, Shift
from wuyedesk.staffing.views import INVALID, _render
from wuyedesk.training.selectors import induction_blocked_ids

WEEK = 7


@staff_passes_test(rules.may_edit_rosters)
def shifts(request):
    form = ShiftForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.shift_save(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("班次已保存。"))
                return redirect("staffing:shifts")
        messages.error(request, INVALID)
    return _render(
        request,
        "staffing/shifts.html",
        {
            "shifts": Shift.objects.filter(archived=False),
            "form": form,
            "title": _("班次"),
        },
        status=422 if form.errors else 200,
    )


@staff_passes_test(rules.may_edit_rosters, methods=["POST"])
def shift_archive(request, pk):
    services.shift_archive(by=request.user, shift=get_object_or_404(Shift, pk=pk))
    messages.success(request, _("班次已停用。"))
    return redirect("staffing:shifts")


def _community(communities, value):
    """The community picked on the roster page (None: the whole department)."""
    try:
        return communities.filter(pk=int(value)).first() if value else None
    except ValueError:
        return None


def _week_start(text: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        today = timezone.localdate()
        return today - dt.timedelta(days=today.weekday())


@staff_passes_test(rules.may_edit_rosters)
def roster(request):
    user = request.user
    start = _week_start(request.GET.get("start") or request.POST.get("start"))
    end = start + dt.timedelta(days=WEEK - 1)
    form = RosterForm(request.POST or None, user=user, initial={"date": start})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.roster_add(by=user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("已排班。"))
                return redirect(f"{request.path}?start={start.isoformat()}")
        messages.error(request, INVALID)
    department = rules.own_department_id(user)
    communities = communities_visible_to(user).filter(archived_at__isnull=True)
    community = _community(communities, request.GET.get("community"))
    entries = (
        RosterEntry.objects.filter(
            department_id=department, date__range=(start, end), user__in=rules.staff_users(user)
        )
        .select_related("shift", "user__staff", "community")
        .order_by("date", "shift__start", "duty")
    )
    if community is not None:  # the community's own entries and the department-wide ones
        entries = entries.filter(Q(community=community) | Q(community__isnull=True))
    days = [start + dt.timedelta(days=i) for i in range(WEEK)]
    gaps = coverage.gaps(
        department_id=department,
        community_id=community.pk if community else None,
        start=start,
        end=end,
    )
    return _render(
        request,
        "staffing/roster.html",
        {
            "days": [
                {
                    "date": d,
                    "working": coverage.is_working(d),
                    "entries": [e for e in entries if e.date == d],
                    "gaps": [g for g in gaps if g.date == d],
                }
                for d in days
            ],
            "gap_count": len(gaps),
            # Not yet through the induction courses: shown, and not counted as the line's cover.
            "held": induction_blocked_ids({e.user_id for e in entries}),
            "communities": communities,
            "community": community,
            "start": start,
            "previous": (start - dt.timedelta(days=WEEK)).isoformat(),
            "next": (start + dt.timedelta(days=WEEK)).isoformat(),
            "form": form,
            "title": _("排班表"),
        },
        status=422 if form.errors else 200,
    )


@staff_required
@require_POST
def roster_remove(request, pk):
    entry = get_object_or_404(RosterEntry, pk=pk)
    services.roster_remove(by=request.user, entry=entry)
    messages.success(request, _("已从排班表移除。"))
    return redirect(f"{reverse('staffing:roster')}?start={request.POST.get('start', '')}")


@staff_passes_test(rules.may_edit_rosters)
def import_page(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = clock_import(by=request.user, filename=upload.name, content=upload.read())
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                if not result["errors"]:
                    messages.success(
                        request, _("已导入 %(n)s 条打卡记录。") % {"n": result["imported"]}
                    )
                    return redirect("staffing:import")
        messages.error(request, _("文件有错误,未导入任何记录。"))
    return _render(
        request,
        "staffing/import.html",
        {"form": form, "result": result, "title": _("导入考勤机记录")},
        status=422 if request.method == "POST" else 200,
    )
