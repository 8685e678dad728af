"""The pages of tasks from superiors (SPE-5): the tasks a manager gave, the form to give one,
everyone's own open tasks, reporting one done."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wuyedesk.accounts.decorators import staff_required
from wuyedesk.accounts.forms import StaffChoiceField
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.core.forms import StyledFormMixin
from wuyedesk.lib.paging import page_of
from wuyedesk.tickets import selectors
from wuyedesk.tickets.assignments import selectors as task_selectors
from wuyedesk.tickets.assignments import services


class TaskForm(StyledFormMixin, forms.Form):
    assignee = StaffChoiceField(label=gettext_lazy("执行人"), queryset=None)
    title = forms.CharField(label=gettext_lazy("任务"), max_length=120, required=False)
    description = forms.CharField(
        label=gettext_lazy("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due = forms.DateTimeField(
        label=gettext_lazy("期限"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    number = forms.CharField(label=gettext_lazy("相关工单编号"), required=False, max_length=20)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["assignee"].queryset = selectors.task_assignees_for(user)

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if not number:
            return None
        ticket = selectors.ticket_by_number(self.user, number)
        if ticket is None:
            raise ValidationError(_("找不到该工单。"))
        return ticket


class TaskDoneForm(StyledFormMixin, forms.Form):
    result = forms.CharField(label=gettext_lazy("完成情况"), required=False)


@staff_required
def task_list(request):
    """The tasks the manager gave (and the form to give one); everyone's own open tasks."""
    user = request.user
    may_give = services.may_give_tasks(user)
    form = None
    if may_give:
        form = TaskForm(request.POST or None, user=user)
        if request.method == "POST":
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.task_create(
                        by=user,
                        assignee=data["assignee"],
                        title=data["title"],
                        description=data["description"],
                        due=data["due"],
                        ticket=data["number"],
                    )
                except ValidationError as error:
                    add_service_error(form, error)
                else:
                    messages.success(request, _("已交办任务。"))
                    return redirect("task_list")
            messages.error(request, _("未保存:请更正标出的错误。"))
    elif request.method == "POST":
        raise PermissionDenied
    given = page_of(
        task_selectors.tasks_given_by(user).order_by("done_at", "due", "id"),
        request.GET.get("page"),
    )
    return render(
        request,
        "tickets/tasks.html",
        {
            "form": form,
            "given": given,
            "mine": list(task_selectors.open_tasks_of(user)[:50]),
            "page": given,
            "query": "",
            "title": _("交办任务"),
        },
    )


@staff_required
@require_POST
def task_done(request, pk):
    task = task_selectors.task_get_for_user(request.user, pk)
    form = TaskDoneForm(request.POST)
    form.is_valid()
    try:
        services.task_done(by=request.user, task=task, result=form.cleaned_data.get("result", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("任务已完成。"))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("task_list")
    return redirect(target)
