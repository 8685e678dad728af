"""Pages of recruitment (MGR-2): the openings, an opening with its candidates, the new
opening and new candidate forms, the candidates (all, or those waiting for a decision), a
candidate with the stages, the offer and the hire. The manager of the department acts; an
executive reads, personal data masked."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from wuyedesk.accounts.decorators import staff_passes_test
from wuyedesk.core.downloads import download
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.lib.paging import page_of
from wuyedesk.recruitment import hiring, selectors, services
from wuyedesk.recruitment.choices import MOVES, OpeningStatus, Stage
from wuyedesk.recruitment.forms import (
    CandidateFilterForm,
    CandidateForm,
    HireForm,
    OfferForm,
    OpeningFilterForm,
    OpeningForm,
    OpeningStatusForm,
    StageForm,
)

PAGE = 50


@staff_passes_test(selectors.may_read)
def opening_list(request):
    form = OpeningFilterForm(request.GET or None)
    qs = selectors.openings_visible_to(request.user)
    if form.is_valid():
        qs = selectors.filter_openings(qs, status=form.cleaned_data["status"])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "recruitment/opening_list.html",
        {
            "form": form,
            "page": page_of(qs.order_by("-id"), request.GET.get("page"), PAGE),
            "query": query.urlencode(),
            "can_recruit": selectors.may_recruit(request.user),
            "title": _("招聘"),
        },
    )


@staff_passes_test(selectors.may_recruit)
def opening_create(request):
    form = OpeningForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            opening = services.opening_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("招聘职位已发布。"))
            return redirect("recruitment:opening_detail", opening.pk)
    return render(
        request, "recruitment/opening_form.html", {"form": form, "title": _("新建招聘职位")}
    )


def _opening(request, pk):
    return get_object_or_404(selectors.openings_visible_to(request.user), pk=pk)


def _opening_page(request, opening, status_form=None):
    manages = selectors.manages(request.user, opening)
    return render(
        request,
        "recruitment/opening_detail.html",
        {
            "opening": opening,
            "candidates": opening.candidates.order_by("-id"),
            "hired": services.hired_count(opening),
            "manages": manages,
            "status_form": status_form
            or OpeningStatusForm(
                initial={
                    "status": OpeningStatus.CLOSED
                    if opening.status == OpeningStatus.OPEN
                    else OpeningStatus.OPEN
                }
            ),
            "title": opening.title,
        },
    )


@staff_passes_test(selectors.may_read)
def opening_detail(request, pk):
    return _opening_page(request, _opening(request, pk))


@staff_passes_test(selectors.may_recruit, methods=["POST"])
def opening_status(request, pk):
    opening = _opening(request, pk)
    form = OpeningStatusForm(request.POST)
    if form.is_valid():
        try:
            services.opening_set_status(by=request.user, opening=opening, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("recruitment:opening_detail", opening.pk)
    return _opening_page(request, opening, form)


@staff_passes_test(selectors.may_recruit)
def candidate_create(request, pk):
    opening = _opening(request, pk)
    if not selectors.manages(request.user, opening):
        raise PermissionDenied
    form = CandidateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            candidate = services.candidate_create(
                by=request.user, opening=opening, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("应聘人已登记。"))
            return redirect("recruitment:candidate_detail", candidate.pk)
    return render(
        request,
        "recruitment/candidate_form.html",
        {"form": form, "opening": opening, "title": _("登记应聘人")},
    )


@staff_passes_test(selectors.may_read)
def candidate_list(request):
    form = CandidateFilterForm(request.GET or None)
    qs = selectors.candidates_visible_to(request.user)
    opening = None
    if form.is_valid():
        data = form.cleaned_data
        if data["opening"]:
            opening = _opening(request, data["opening"])
        qs = selectors.filter_candidates(
            qs, opening=opening, stage=data["stage"], waiting=data["waiting"]
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "recruitment/candidate_list.html",
        {
            "form": form,
            "opening": opening,
            "page": page_of(qs.order_by("-id"), request.GET.get("page"), PAGE),
            "query": query.urlencode(),
            "title": _("应聘人"),
        },
    )


def _candidate(request, pk):
    return get_object_or_404(selectors.candidates_visible_to(request.user), pk=pk)


def _candidate_page(request, candidate, **forms):
    manages = selectors.manages(request.user, candidate.opening)
    moves = MOVES.get(candidate.stage, set())
    context = {
        "candidate": candidate,
        "opening": candidate.opening,
        "records": candidate.records.select_related("interviewer", "by__staff"),
        "manages": manages,
        "may_see": selectors.may_see_personal(request.user, candidate),
        "personal": [
            ("phone", _("电话"), candidate.masked_phone),
            ("id_number", _("身份证号"), candidate.masked_id_number),
        ],
        "can_step": manages and bool(moves) and candidate.opening.status == OpeningStatus.OPEN,
        "can_offer": manages and candidate.stage == Stage.INTERVIEW,
        "can_hire": manages
        and candidate.stage == Stage.OFFER
        and candidate.opening.status == OpeningStatus.OPEN,
        "title": candidate.name,
    }
    stage_initial = {"stage": Stage.INTERVIEW if candidate.stage == Stage.SCREENING else ""}
    context["stage_form"] = forms.get("stage_form") or StageForm(
        initial=stage_initial, user=request.user
    )
    context["offer_form"] = forms.get("offer_form") or OfferForm(
        initial={"post": candidate.opening.post}
    )
    context["hire_form"] = forms.get("hire_form") or HireForm()
    return render(request, "recruitment/candidate_detail.html", context)


@staff_passes_test(selectors.may_read)
def candidate_detail(request, pk):
    return _candidate_page(request, _candidate(request, pk))


@staff_passes_test(selectors.may_recruit, methods=["POST"])
def candidate_stage(request, pk):
    candidate = _candidate(request, pk)
    form = StageForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.stage_record(
                by=request.user,
                candidate=candidate,
                stage=data["stage"],
                note=data["note"],
                interviewer_id=data["interviewer"].pk if data["interviewer"] else None,
                held_on=data["held_on"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已记录。"))
            return redirect("recruitment:candidate_detail", candidate.pk)
    return _candidate_page(request, candidate, stage_form=form)


@staff_passes_test(selectors.may_recruit, methods=["POST"])
def candidate_offer(request, pk):
    candidate = _candidate(request, pk)
    form = OfferForm(request.POST)
    if form.is_valid():
        try:
            services.offer_make(by=request.user, candidate=candidate, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已记录录用通知。"))
            return redirect("recruitment:candidate_detail", candidate.pk)
    return _candidate_page(request, candidate, offer_form=form)


@staff_passes_test(selectors.may_read, methods=["POST"])
def candidate_reveal(request, pk, field):
    candidate = _candidate(request, pk)
    if field not in services.PERSONAL:
        raise Http404
    value = services.reveal(by=request.user, candidate=candidate, field=field)
    return render(request, "properties/_revealed.html", {"value": value})


@staff_passes_test(selectors.may_read, methods=["GET"])
def candidate_cv(request, pk):
    """The CV; each opening is written to the access log."""
    candidate = _candidate(request, pk)
    try:
        services.cv_open(by=request.user, candidate=candidate)
    except ValidationError:
        raise Http404 from None
    return cv_response(candidate)


def cv_response(candidate):
    """The CV as a sandboxed download named without the person's data."""
    return download(
        candidate.cv.open("rb"),
        filename=candidate.cv_name,
        content_type=candidate.cv_content_type,
        as_attachment=True,
        sandbox=True,
    )


@staff_passes_test(selectors.may_recruit, methods=["POST"])
def candidate_hire(request, pk):
    candidate = _candidate(request, pk)
    form = HireForm(request.POST)
    if form.is_valid():
        try:
            staff = hiring.hire(by=request.user, candidate=candidate, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("已为 %(name)s 建立员工账号(用户名 %(username)s),并安排入职培训。")
                % {"name": staff.name, "username": staff.user.username},
            )
            return redirect("recruitment:candidate_detail", candidate.pk)
    return _candidate_page(request, candidate, hire_form=form)
