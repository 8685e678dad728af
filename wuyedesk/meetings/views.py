"""Pages of the department's meetings: series, meetings with their agenda, attendance,
minutes (draft → submitted → approved / returned), action items, decisions to improvement
items, the minutes' PDF. Notices are in notice_views.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuyedesk.accounts.decorators import staff_required
from wuyedesk.core.downloads import download
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.lib.paging import page_of
from wuyedesk.meetings import pdf, selectors, services
from wuyedesk.meetings.choices import EDITABLE_MINUTES, Attendance, MinutesStatus
from wuyedesk.meetings.forms import (
    ActionForm,
    AgendaItemForm,
    DoneForm,
    ImprovementForm,
    MeetingForm,
    MinutesForm,
    ReturnForm,
    SeriesForm,
)


def _may_organise_any(user) -> bool:
    return selectors.organised_q(user) is not None


def _query(request) -> str:
    """The list's filters, for the pager's links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@staff_required
def meeting_list(request):
    user = request.user
    minutes = request.GET.get("minutes", "")
    if minutes not in ("", "to_draft", *MinutesStatus.values):
        minutes = ""
    series = request.GET.get("series")
    series = int(series) if series and series.isdigit() else None
    meetings = selectors.filter_meetings(
        selectors.meetings_visible_to(user), minutes=minutes, series=series
    ).select_related("community", "series")
    page = page_of(meetings.order_by("-starts_at", "-id"), request.GET.get("page"), 50)
    return render(
        request,
        "meetings/list.html",
        {
            "page": page,
            "query": _query(request),
            "minutes": minutes,
            "minutes_choices": [("to_draft", _("待编写纪要")), *MinutesStatus.choices[1:]],
            "may_organise": _may_organise_any(user),
            "title": _("部门会议"),
        },
    )


@staff_required
def meeting_create(request):
    if not _may_organise_any(request.user):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, user=request.user, initial={"duration_minutes": 60})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已安排会议,议程已按数据提出。"))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    if request.method == "POST":
        messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
    return render(request, "meetings/form.html", {"form": form, "title": _("安排会议")})


@staff_required
def series_list(request):
    if not _may_organise_any(request.user):
        raise PermissionDenied
    rows = selectors.series_visible_to(request.user).select_related("community")
    return render(request, "meetings/series_list.html", {"rows": rows, "title": _("例会")})


@staff_required
def series_create(request):
    if not _may_organise_any(request.user):
        raise PermissionDenied
    form = SeriesForm(request.POST or None, user=request.user, initial={"duration_minutes": 60})
    if request.method == "POST" and form.is_valid():
        try:
            series = services.series_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已建立例会。"))
            return redirect("meetings:series_detail", pk=series.pk)
    if request.method == "POST":
        messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
    return render(request, "meetings/form.html", {"form": form, "title": _("新建例会")})


@staff_required
def series_detail(request, pk):
    series = selectors.series_get_for_user(request.user, pk)
    meetings = series.meetings.order_by("-starts_at", "-id")[:50]
    return render(
        request,
        "meetings/series_detail.html",
        {
            "series": series,
            "meetings": meetings,
            "attendees": series.attendees.select_related("staff"),
            "title": series.title,
        },
    )


@staff_required
@require_POST
def series_next(request, pk):
    series = selectors.series_get_for_user(request.user, pk)
    meeting = services.series_schedule_next(by=request.user, series=series)
    messages.success(request, _("已安排下一次例会,议程已按数据提出。"))
    return redirect("meetings:meeting_detail", pk=meeting.pk)


def _detail(request, meeting, status=200, **forms):
    user = request.user
    organiser = selectors.may_organise(user, meeting)
    reads = selectors.may_read_minutes(user, meeting)
    editable = meeting.minutes_status in EDITABLE_MINUTES
    context = {
        "meeting": meeting,
        "agenda": selectors.agenda_of(meeting),
        "attendees": selectors.attendees_of(meeting),
        "attendance_choices": Attendance.choices,
        "may_organise": organiser,
        "agenda_open": organiser and meeting.minutes_status != MinutesStatus.APPROVED,
        "may_read_minutes": reads,
        "may_draft": selectors.may_draft(user, meeting) and editable,
        "may_approve": selectors.may_approve(user, meeting)
        and meeting.minutes_status == MinutesStatus.SUBMITTED,
        "decisions": selectors.decisions_of(meeting) if reads else [],
        "actions": selectors.actions_of(meeting) if reads else [],
        "agenda_form": forms.get("agenda_form") or AgendaItemForm(),
        "action_form": forms.get("action_form") or ActionForm(user=user),
        "return_form": forms.get("return_form") or ReturnForm(),
        "title": meeting.title,
    }
    return render(request, "meetings/detail.html", context, status=status)


@staff_required
def meeting_detail(request, pk):
    return _detail(request, selectors.meeting_get_for_user(request.user, pk))


def _service_or_message(request, call) -> bool:
    """Run a service whose refusal names no form field: shown as a message."""
    try:
        call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    return True


@staff_required
@require_POST
def agenda_propose(request, pk):
    meeting = selectors.meeting_get_for_user(request.user, pk)
    added = []
    if _service_or_message(
        request, lambda: added.append(services.agenda_propose(by=request.user, meeting=meeting))
    ):
        messages.success(request, _("已加入 %(n)s 项新提出的议题。") % {"n": added[0]})
    return redirect("meetings:meeting_detail", pk=meeting.pk)


@staff_required
@require_POST
def agenda_add(request, pk):
    meeting = selectors.meeting_get_for_user(request.user, pk)
    if not selectors.may_organise(request.user, meeting):
        raise PermissionDenied
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.agenda_add(
                by=request.user, meeting=meeting, title=data["title"], note=data["note"]
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已加入议程。"))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
    return _detail(request, meeting, status=422, agenda_form=form)


def _agenda_item(request, pk, item_pk):
    meeting = selectors.meeting_get_for_user(request.user, pk)
    item = get_object_or_404(meeting.agenda.filter(dismissed=False), pk=item_pk)
    item.meeting = meeting
    return meeting, item


@staff_required
def agenda_edit(request, pk, item_pk):
    meeting, item = _agenda_item(request, pk, item_pk)
    if not selectors.may_organise(request.user, meeting):
        raise PermissionDenied
    initial = {"title": item.title, "note": item.note, "position": item.position}
    form = AgendaItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_update(by=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    if request.method == "POST":
        messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
    return render(
        request,
        "meetings/form.html",
        {"form": form, "title": _("修改议题"), "back": meeting},
    )


@staff_required
@require_POST
def agenda_remove(request, pk, item_pk):
    meeting, item = _agenda_item(request, pk, item_pk)
    if _service_or_message(request, lambda: services.agenda_remove(by=request.user, item=item)):
        messages.success(request, _("已从议程中移除。"))
    return redirect("meetings:meeting_detail", pk=meeting.pk)


@staff_required
@require_POST
def attendance(request, pk):
    meeting = selectors.meeting_get_for_user(request.user, pk)
    marks = {}
    for row in meeting.attendees.all():
        value = request.POST.get(f"attendance-{row.user_id}")
        if value is not None:
            marks[row.user_id] = value
    if _service_or_message(
        request, lambda: services.attendance_record(by=request.user, meeting=meeting, marks=marks)
    ):
        messages.success(request, _("已记录出席情况。"))
    return redirect("meetings:meeting_detail", pk=meeting.pk)


@staff_required
def minutes_edit(request, pk):
    meeting = selectors.meeting_get_for_user(request.user, pk)
    if not selectors.may_draft(request.user, meeting):
        raise PermissionDenied
    initial = {
        "discussion": meeting.discussion,
        "decisions": "\n".join(d.text for d in meeting.decisions.all()),
    }
    form = MinutesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_save(
                by=request.user,
                meeting=meeting,
                discussion=form.cleaned_data["discussion"],
                decisions=form.decision_list(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("纪要已保存。"))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    if request.method == "POST":
        messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
    return render(
        request,
        "meetings/form.html",
        {"form": form, "title": _("编写会议纪要"), "back": meeting},
    )


@staff_required
@require_POST
def minutes_action(request, pk, action):
    meeting = selectors.meeting_get_for_user(request.user, pk)
    user = request.user
    if action == "return":
        if not selectors.may_approve(user, meeting):
            raise PermissionDenied
        form = ReturnForm(request.POST)
        if form.is_valid():
            try:
                services.minutes_return(by=user, meeting=meeting, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("纪要已退回修改。"))
                return redirect("meetings:meeting_detail", pk=meeting.pk)
        messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
        return _detail(request, meeting, status=422, return_form=form)
    calls = {
        "submit": (services.minutes_submit, _("纪要已提交经理审批。")),
        "approve": (services.minutes_approve, _("纪要已批准。")),
        "pdf": (pdf.minutes_request_pdf, _("正在生成 PDF……")),
    }
    if action not in calls:
        raise Http404
    service, done = calls[action]
    if _service_or_message(request, lambda: service(by=user, meeting=meeting)):
        messages.success(request, done)
    return redirect("meetings:meeting_detail", pk=meeting.pk)


@staff_required
def minutes_pdf_status(request, pk):
    """The PDF's state as a page fragment (htmx polls it until the file is ready)."""
    meeting = selectors.meeting_get_for_user(request.user, pk)
    if not selectors.may_read_minutes(request.user, meeting):
        raise PermissionDenied
    return render(request, "meetings/_minutes_pdf.html", {"meeting": meeting})


@staff_required
def minutes_pdf(request, pk):
    meeting = selectors.meeting_get_for_user(request.user, pk)
    if not selectors.may_read_minutes(request.user, meeting):
        raise PermissionDenied
    if meeting.minutes_status != MinutesStatus.APPROVED or not meeting.pdf:
        raise Http404
    if meeting.pdf_rendered_at is None:
        raise Http404
    return download(
        meeting.pdf.open("rb"), filename=f"minutes-{meeting.pk}.pdf", content_type="application/pdf"
    )


@staff_required
@require_POST
def action_add(request, pk):
    meeting = selectors.meeting_get_for_user(request.user, pk)
    if not selectors.may_draft(request.user, meeting):
        raise PermissionDenied
    form = ActionForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.action_add(by=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已加入行动项。"))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
    return _detail(request, meeting, status=422, action_form=form)


@staff_required
@require_POST
def action_remove(request, pk, action_pk):
    meeting = selectors.meeting_get_for_user(request.user, pk)
    if not selectors.may_read_minutes(request.user, meeting):
        raise Http404
    action = get_object_or_404(meeting.actions, pk=action_pk)
    action.meeting = meeting
    if _service_or_message(request, lambda: services.action_remove(by=request.user, action=action)):
        messages.success(request, _("已删除行动项。"))
    return redirect("meetings:meeting_detail", pk=meeting.pk)


@staff_required
def action_list(request):
    user = request.user
    mine = request.GET.get("mine") == "1"
    open_only = request.GET.get("open", "1" if mine else "") == "1"
    actions = selectors.filter_actions(
        selectors.actions_visible_to(user), owner=user if mine else None, open_only=open_only
    ).select_related("meeting", "owner__staff")
    page = page_of(actions.order_by("due", "id"), request.GET.get("page"), 50)
    return render(
        request,
        "meetings/actions.html",
        {
            "page": page,
            "query": _query(request),
            "mine": mine,
            "open_only": open_only,
            "done_form": DoneForm(),
            "title": _("我的会议行动项") if mine else _("会议行动项"),
        },
    )


@staff_required
@require_POST
def action_done(request, action_pk):
    action = selectors.action_get_for_user(request.user, action_pk)
    form = DoneForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    if _service_or_message(
        request, lambda: services.action_done(by=request.user, action=action, note=note)
    ):
        messages.success(request, _("行动项已完成。"))
    return redirect(f"{reverse('meetings:action_list')}?mine=1")


@staff_required
def decision_improvement(request, decision_pk):
    decision = selectors.decision_get_for_user(request.user, decision_pk)
    meeting = decision.meeting
    if not selectors.may_organise(request.user, meeting):
        raise PermissionDenied
    form = ImprovementForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.decision_to_improvement(
                by=request.user, decision=decision, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已转为改进事项。"))
            return redirect("improvement_detail", pk=item.pk)
    if request.method == "POST":
        messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
    return render(
        request,
        "meetings/form.html",
        {"form": form, "title": _("决定转为改进事项"), "back": meeting, "lead": decision.text},
    )
