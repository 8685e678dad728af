"""Pages of the quarterly appraisal (MGT-6, MGT-9): the index (cycles, "open now", my
appraisals, the lists the homes count), a cycle with the worker's progress, an appraisal
with every record behind each score, and the forms of its steps."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from wuyedesk.accounts.decorators import staff_passes_test, staff_required
from wuyedesk.appraisal import access, selectors
from wuyedesk.appraisal.choices import DisputeStatus
from wuyedesk.appraisal.forms import (
    AnswerForm,
    CycleOpenForm,
    DisputeForm,
    ReasonForm,
    ReviewForm,
    SelfForm,
)
from wuyedesk.appraisal.models import Dispute
from wuyedesk.appraisal.services import cycles, workflow
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.lib.paging import page_of

SHOWN = ("waiting", "published", "answered")


def fix() -> str:
    return _("请更正下面标出的错误,内容尚未保存。")


def _index(request, form=None, status=200):
    user = request.user
    show = request.GET.get("show", "")
    if show == "waiting":
        listed = selectors.waiting_review(user).select_related("person__staff", "cycle")
    elif show == "published":
        listed = selectors.published_open(user).select_related("person__staff", "cycle")
    elif show == "answered":
        listed = None
    else:
        show, listed = "", None
    year, quarter = cycles.previous_quarter(timezone.localdate())
    reviewer = access.is_reviewer(user)
    return render(
        request,
        "appraisal/index.html",
        {
            "cycles": selectors.cycles_visible_to(user)[:20] if reviewer else [],
            "mine": selectors.mine(user),
            "form": form or CycleOpenForm(initial={"year": year, "quarter": quarter}),
            "may_open": access.may_open_cycle(user),
            "show": show,
            "listed": listed,
            "answered": selectors.answered_for(user).select_related("appraisal__cycle", "item")
            if show == "answered"
            else None,
            "title": _("季度考核"),
        },
        status=status,
    )


@staff_required
def index(request):
    return _index(request)


@staff_passes_test(access.may_open_cycle, methods=["POST"])
def cycle_open(request):
    user = request.user
    form = CycleOpenForm(request.POST)
    if form.is_valid():
        try:
            cycle = cycles.cycle_open(by=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已开启考核周期,正在计算。"))
            return redirect("appraisal:cycle", pk=cycle.pk)
    messages.error(request, fix())
    return _index(request, form, status=422)


def _cycle(request, pk):
    return get_object_or_404(selectors.cycles_visible_to(request.user), pk=pk)


@staff_required
def cycle_detail(request, pk):
    cycle = _cycle(request, pk)
    rows = selectors.reviewed_in(request.user, cycle)
    return render(
        request,
        "appraisal/cycle.html",
        {
            "cycle": cycle,
            "page": page_of(rows, request.GET.get("page"), 100),
            "may_open": access.may_open_cycle(request.user),
            "title": _("%(cycle)s 季度考核") % {"cycle": cycle},
        },
    )


@staff_required
def cycle_progress(request, pk):
    """The computation's state as a page fragment (htmx polls it until the worker is done)."""
    return render(request, "appraisal/_progress.html", {"cycle": _cycle(request, pk)})


@staff_required
@require_POST
def cycle_retry(request, pk):
    cycle = _cycle(request, pk)
    try:
        cycles.cycle_recompute(by=request.user, cycle=cycle)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("appraisal:cycle", pk=cycle.pk)


def _page(request, appraisal, forms=None, status=200):
    user = request.user
    forms = forms or {}
    mine = appraisal.person_id == user.pk
    reviewer = access.may_review(user, appraisal)
    picked, ref = request.GET.get("item", ""), request.GET.get("ref", "")
    chosen = int(picked) if picked.isdigit() else None
    chosen_ref = int(ref) if ref.isdigit() else None
    context = selectors.detail(user, appraisal)
    window = mine and workflow.window_open(appraisal)
    if reviewer:  # each open dispute's answer form; a bad answer's stays bound on its row
        for dispute in context["disputes"]:
            if dispute.status == DisputeStatus.OPEN:
                dispute.answer_form = (
                    forms["answer"]
                    if dispute.pk == forms.get("answer_for")
                    else AnswerForm.for_dispute(dispute.pk)
                )
    for criterion in context["criteria"]:
        for part in criterion["parts"]:
            # The records are the page's hottest fragment: Jinja2 writes them
            # (docs/architecture.md), an autoescaping template's output, safe as it is.
            part["html"] = (
                mark_safe(  # noqa: S308
                    render_to_string(
                        "appraisal/items.html",
                        {"items": part["items"], "window_open": window, "page_url": ""},
                        using="jinja2",
                    )
                )
                if part["items"]
                else ""
            )
    context["chosen_item"] = next(
        (
            item
            for criterion in context["criteria"]
            for part in criterion["parts"]
            for item in part["items"]
            if item.pk == chosen
        ),
        None,
    )
    if context["chosen_item"] is not None and chosen_ref is not None:
        context["chosen_ref"] = next(
            (label for pk, label in context["chosen_item"].refs if pk == chosen_ref), None
        )
    context.update(
        {
            "appraisal": appraisal,
            "mine": mine,
            "reviewer": reviewer,
            "window_open": window,
            "self_form": forms.get("self") or SelfForm(initial={"text": appraisal.self_assessment}),
            "review_form": forms.get("review")
            or ReviewForm(
                initial={
                    "rating": appraisal.manager_rating,
                    "reason": appraisal.manager_reason,
                    "comment": appraisal.review_comment,
                }
            ),
            "reopen_form": forms.get("reopen") or ReasonForm(),
            "dispute_form": forms.get("dispute")
            or DisputeForm(initial={"item": chosen, "ref": chosen_ref}),
            "chosen": chosen,
            "name": appraisal.person.staff.name,
            "title": _("%(name)s 的 %(cycle)s 季度考核")
            % {"name": appraisal.person.staff.name, "cycle": appraisal.cycle},
        }
    )
    return render(request, "appraisal/appraisal.html", context, status=status)


@staff_required
def appraisal_detail(request, pk):
    return _page(request, selectors.appraisal_get_for_user(request.user, pk))


@staff_required
@vary_on_headers("HX-Request")
def records(request, pk, item):
    """Every record one row stands for: the list htmx puts in the row when it is opened,
    or, without JavaScript, a page of its own."""
    appraisal = selectors.appraisal_get_for_user(request.user, pk)
    row = selectors.records(request.user, appraisal, item)
    context = {
        "i": row,
        "page_url": reverse("appraisal:appraisal", args=[appraisal.pk]),
        "window_open": appraisal.person_id == request.user.pk and workflow.window_open(appraisal),
    }
    refs = render_to_string("appraisal/refs.html", context, using="jinja2")
    if request.headers.get("HX-Request"):
        return HttpResponse(refs)
    name = appraisal.person.staff.name
    return render(
        request,
        "appraisal/records.html",
        {
            "appraisal": appraisal,
            "row": row,
            "refs": mark_safe(refs),  # noqa: S308 -- an autoescaping template's output
            "name": name,
            "title": _("%(name)s 的 %(cycle)s 季度考核") % {"name": name, "cycle": appraisal.cycle},
        },
    )


def _step(request, pk, form_class, key, run, done):
    appraisal = selectors.appraisal_get_for_user(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(appraisal, form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect("appraisal:appraisal", pk=appraisal.pk)
    messages.error(request, fix())
    appraisal = selectors.appraisal_get_for_user(request.user, pk)
    return _page(request, appraisal, {key: form}, status=422)


@staff_required
@require_POST
def appraisal_self(request, pk):
    def run(appraisal, data):
        workflow.self_assess(by=request.user, appraisal=appraisal, text=data["text"])

    return _step(request, pk, SelfForm, "self", run, _("已保存自我评价。"))


@staff_required
@require_POST
def appraisal_review(request, pk):
    def run(appraisal, data):
        workflow.review(by=request.user, appraisal=appraisal, **data)

    return _step(request, pk, ReviewForm, "review", run, _("已保存评审。"))


@staff_required
@require_POST
def appraisal_reopen(request, pk):
    def run(appraisal, data):
        workflow.reopen(by=request.user, appraisal=appraisal, reason=data["reason"])

    return _step(request, pk, ReasonForm, "reopen", run, _("已重新打开考核。"))


@staff_required
@require_POST
def appraisal_publish(request, pk):
    appraisal = selectors.appraisal_get_for_user(request.user, pk)
    try:
        workflow.publish(by=request.user, appraisal=appraisal)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已发布考核结果。"))
    return redirect("appraisal:appraisal", pk=appraisal.pk)


@staff_required
@require_POST
def dispute_new(request, pk):
    def run(appraisal, data):
        item = None
        if data.get("item"):
            item = appraisal.items.filter(pk=data["item"]).first()
            if item is None:
                raise cycles.invalid("item", _("该记录不属于这份考核。"), "invalid_choice")
        workflow.dispute_open(
            by=request.user,
            appraisal=appraisal,
            item=item,
            comment=data["comment"],
            ref=data.get("ref") if item is not None else None,
        )

    return _step(request, pk, DisputeForm, "dispute", run, _("已提交申诉,等待经理答复。"))


@staff_passes_test(access.is_reviewer)
def disputes(request):
    return render(
        request,
        "appraisal/disputes.html",
        {"disputes": selectors.open_disputes(request.user), "title": _("待答复的考核申诉")},
    )


@staff_required
@require_POST
def dispute_answer(request, pk):
    user = request.user
    dispute = get_object_or_404(
        Dispute.objects.filter(appraisal__in=selectors.appraisals_visible_to(user)), pk=pk
    )
    form = AnswerForm.for_dispute(dispute.pk, request.POST)
    if form.is_valid():
        try:
            workflow.dispute_answer(by=user, dispute=dispute, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已答复申诉。"))
            return redirect("appraisal:appraisal", pk=dispute.appraisal_id)
    messages.error(request, fix())
    appraisal = selectors.appraisal_get_for_user(user, dispute.appraisal_id)
    return _page(request, appraisal, {"answer": form, "answer_for": dispute.pk}, status=422)
