"""Pages of inspections (list, new, the inspection with its forms, photos), calibrations
and a person's record of inspections and repeated findings."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuyedesk.accounts.access import is_staff_member
from wuyedesk.accounts.decorators import staff_required
from wuyedesk.core.downloads import download
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.lib.paging import page_of
from wuyedesk.supervision import access, selectors
from wuyedesk.supervision.choices import Status
from wuyedesk.supervision.forms import (
    AnswerForm,
    CalibrateForm,
    CloseForm,
    DiscussForm,
    InspectionFilterForm,
    InspectionForm,
    PhotoForm,
    ReplaceForm,
    ScoreForm,
)
from wuyedesk.supervision.models import Calibration, Photo
from wuyedesk.supervision.services import calibration, inspections, sampling
from wuyedesk.supervision.views import fix
from wuyedesk.telephony.selectors import calls_visible_to
from wuyedesk.tickets.selectors import tickets_visible_to


@staff_required
def inspection_list(request):
    user = request.user
    form = InspectionFilterForm(request.GET or None)
    qs = selectors.inspections_visible_to(user)
    if form.is_valid():
        data = form.cleaned_data
        qs = selectors.filter_inspections(
            qs,
            user=user,
            due_period=data.get("due") == "period",
            mine=bool(data.get("mine")),
            person=data.get("person"),
            status=data.get("status") or "",
            kind=data.get("kind") or "",
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supervision/inspections.html",
        {
            "form": form,
            "page": page_of(qs.order_by("due", "-id"), request.GET.get("page"), 50),
            "query": query.urlencode(),
            "is_inspector": access.is_inspector(user),
            "title": _("检查记录"),
        },
    )


@staff_required
def inspection_new(request):
    user = request.user
    if not access.is_inspector(user):
        raise PermissionDenied
    form = InspectionForm(request.POST or None, initial=request.GET.dict(), user=user)
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            number, call_id = data.pop("ticket"), data.pop("call")
            ticket = (
                tickets_visible_to(user).filter(number=number.strip()).first() if number else None
            )
            call = calls_visible_to(user).filter(pk=call_id).first() if call_id else None
            try:
                inspection = inspections.inspection_create(
                    by=user, ticket=ticket, call=call, **data
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("已创建检查。"))
                return redirect("supervision:inspection", pk=inspection.pk)
        messages.error(request, fix())
    return render(
        request,
        "supervision/form.html",
        {"form": form, "title": _("新建检查"), "multipart": False},
        status=422 if request.method == "POST" else 200,
    )


def _detail(request, inspection, status=200, **forms):
    user = request.user
    blind = access.blind_for(user, inspection)
    may_score = access.may_score(user, inspection)
    pair = (
        Calibration.objects.filter(first=inspection).first()
        or Calibration.objects.filter(second=inspection).first()
    )
    context = {
        "inspection": inspection,
        "blind": blind,
        "scores": [] if blind else list(inspection.scores.select_related("item")),
        "photos": list(inspection.photos.all()),
        "findings": list(inspection.findings.select_related("item", "improvement")),
        "pair": pair,
        "may_score": may_score,
        "may_answer": inspection.inspected_id == user.pk
        and inspection.status == Status.CLOSED
        and inspection.answered_at is None,
        "score_form": forms.get("score_form")
        or (ScoreForm(inspection=inspection) if may_score else None),
        "close_form": forms.get("close_form") or CloseForm(user=user),
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "replace_form": forms.get("replace_form") or ReplaceForm(),
        "photo_form": forms.get("photo_form") or PhotoForm(),
        "calibrate_form": forms.get("calibrate_form") or CalibrateForm(user=user),
        "title": str(inspection),
    }
    return render(request, "supervision/inspection.html", context, status=status)


def _get(request, pk):
    return selectors.inspection_get_for_user(request.user, pk)


@staff_required
def inspection_detail(request, pk):
    return _detail(request, _get(request, pk))


def _act(request, inspection, form, name, action, done):
    """Run a form's action; on a refusal the page comes back with the form filled."""
    if form.is_valid():
        try:
            result = action(form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect("supervision:inspection", pk=getattr(result, "pk", inspection.pk))
    messages.error(request, fix())
    return _detail(request, inspection, status=422, **{name: form})


@staff_required
@require_POST
def inspection_score(request, pk):
    inspection = _get(request, pk)
    form = ScoreForm(request.POST, inspection=inspection)
    close = "close" in request.POST

    def action(data):
        inspections.score_save(
            by=request.user, inspection=inspection, scores=form.scores(), comment=data["comment"]
        )
        return inspection

    response = _act(request, inspection, form, "score_form", action, _("已保存评分。"))
    if close and response.status_code == 302:
        return inspection_close(request, pk)
    return response


@staff_required
@require_POST
def inspection_close(request, pk):
    inspection = _get(request, pk)
    form = CloseForm(request.POST, user=request.user)

    def action(data):
        return inspections.inspection_close(
            by=request.user, inspection=inspection, due=data.get("due"), owner=data.get("owner")
        )

    return _act(request, inspection, form, "close_form", action, _("检查已结束。"))


@staff_required
@require_POST
def inspection_answer(request, pk):
    inspection = _get(request, pk)

    def action(data):
        return inspections.inspection_answer(by=request.user, inspection=inspection, **data)

    form = AnswerForm(request.POST)
    return _act(request, inspection, form, "answer_form", action, _("已提交回复。"))


@staff_required
@require_POST
def inspection_replace(request, pk):
    inspection = _get(request, pk)

    def action(data):
        return sampling.inspection_replace(by=request.user, inspection=inspection, **data)

    form = ReplaceForm(request.POST)
    return _act(request, inspection, form, "replace_form", action, _("已替换样本。"))


@staff_required
@require_POST
def inspection_photo(request, pk):
    inspection = _get(request, pk)

    def action(data):
        inspections.photo_add(by=request.user, inspection=inspection, upload=data["file"])
        return inspection

    form = PhotoForm(request.POST, request.FILES)
    return _act(request, inspection, form, "photo_form", action, _("已上传照片。"))


@staff_required
def photo_file(request, pk, photo):
    inspection = _get(request, pk)
    found = get_object_or_404(Photo, pk=photo, inspection=inspection)
    return download(
        found.file.open("rb"),
        filename=found.name,
        content_type=found.content_type,
        as_attachment=False,
    )


@staff_required
@require_POST
def inspection_calibrate(request, pk):
    inspection = _get(request, pk)

    def action(data):
        calibration.calibration_create(by=request.user, inspection=inspection, **data)
        return inspection

    form = CalibrateForm(request.POST, user=request.user)
    return _act(request, inspection, form, "calibrate_form", action, _("已发起评分校准。"))


@staff_required
def calibration_list(request):
    open_only = request.GET.get("open") == "1"
    rows = selectors.calibrations_of(request.user, open_only=open_only).order_by("-id")
    return render(
        request,
        "supervision/calibrations.html",
        {
            "page": page_of(rows, request.GET.get("page"), 50),
            "open_only": open_only,
            "title": _("评分校准"),
        },
    )


@staff_required
def calibration_detail(request, pk):
    pair = get_object_or_404(selectors.calibrations_of(request.user), pk=pk)
    form = DiscussForm(request.POST or None, initial={"text": pair.discussion})
    if request.method == "POST":
        if form.is_valid():
            try:
                calibration.calibration_discuss(
                    by=request.user, calibration=pair, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("已记录讨论结论。"))
                return redirect("supervision:calibration", pk=pair.pk)
        messages.error(request, fix())
    complete = pair.compared_at is not None
    return render(
        request,
        "supervision/calibration.html",
        {
            "pair": pair,
            "complete": complete,
            "sides": [
                {
                    "inspection": i,
                    "scores": list(i.scores.select_related("item")) if complete else [],
                }
                for i in (pair.first, pair.second)
            ],
            "form": form,
            "title": _("评分校准"),
        },
        status=422 if request.method == "POST" else 200,
    )


@staff_required
def person(request, user_id):
    user = request.user
    people = access.staff_users()
    found = people.filter(pk=user_id).first()
    if found is None or not is_staff_member(found):
        raise Http404
    rows = selectors.inspections_visible_to(user).filter(inspected=found)
    in_scope = access.is_inspector(user) and access.people_in_scope(user).filter(pk=found.pk)
    if found.pk != user.pk and not rows.exists() and not (in_scope and in_scope.exists()):
        raise Http404
    return render(
        request,
        "supervision/person.html",
        {
            "person": found,
            "inspections": rows.order_by("-id")[:50],
            "findings": selectors.person_findings(user, found)[:50],
            "title": found.staff.name,
        },
    )
