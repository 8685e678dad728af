"""Incidents (MGR-5: one event, many residents' tickets): the list, the page, updates, links."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wuyedesk.accounts.decorators import staff_required
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.core.forms import StyledFormMixin
from wuyedesk.lib.paging import page_of
from wuyedesk.properties.selectors import buildings_visible_to, communities_visible_to
from wuyedesk.tickets import selectors, services
from wuyedesk.tickets.choices import Audience, Severity, mark_audience


class IncidentForm(StyledFormMixin, forms.Form):
    community = forms.ModelChoiceField(label=gettext_lazy("小区"), queryset=None)
    building = forms.ModelChoiceField(label=gettext_lazy("楼栋"), queryset=None, required=False)
    title = forms.CharField(label=gettext_lazy("标题"), max_length=120)
    description = mark_audience(
        forms.CharField(
            label=gettext_lazy("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
        ),
        Audience.INTERNAL,
    )
    severity = forms.ChoiceField(
        label=gettext_lazy("严重程度"), choices=Severity.choices, initial=Severity.EMERGENCY
    )
    numbers = forms.CharField(
        label=gettext_lazy("关联工单编号"),
        required=False,
        help_text=gettext_lazy("多个编号用空格或逗号分隔。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["community"].queryset = communities_visible_to(user).filter(
            archived_at__isnull=True
        )
        self.fields["building"].queryset = buildings_visible_to(user).filter(
            archived_at__isnull=True
        )

    def clean_numbers(self):
        found = []
        for number in self.cleaned_data["numbers"].replace(",", " ").replace("，", " ").split():
            ticket = selectors.ticket_by_number(self.user, number)
            if ticket is None:
                raise ValidationError(
                    _("找不到编号为 %(number)s 的工单。"), params={"number": number}
                )
            found.append(ticket)
        return found


class IncidentUpdateForm(StyledFormMixin, forms.Form):
    text = mark_audience(
        forms.CharField(
            label=gettext_lazy("通报内容(所有关联工单的客户可见)"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        ),
        Audience.CUSTOMER,
        gettext_lazy("客户可见:每张关联工单的业主都会在业主服务中读到这段文字。"),
    )
    close = forms.BooleanField(label=gettext_lazy("同时结束此事件"), required=False)


class IncidentLinkNumberForm(StyledFormMixin, forms.Form):
    number = forms.CharField(label=gettext_lazy("工单编号"), max_length=20)


@staff_required
def incident_list(request):
    user = request.user
    incidents = (
        selectors.incidents_visible_to(user)
        .annotate(ticket_count=Count("tickets"))
        .order_by("closed_at", "-id")
    )
    page = page_of(incidents, request.GET.get("page"), 50)
    form = None
    if services.may_run_incidents(user):
        form = IncidentForm(request.POST or None, user=user)
        if request.method == "POST":
            if form.is_valid():
                data = form.cleaned_data
                try:
                    incident = services.incident_create(
                        by=user,
                        community=data["community"],
                        building=data["building"],
                        title=data["title"],
                        description=data["description"],
                        severity=data["severity"],
                        tickets=data["numbers"],
                    )
                except ValidationError as error:
                    add_service_error(form, error)
                else:
                    messages.success(request, _("已创建事件。"))
                    return redirect("incident_detail", pk=incident.pk)
            messages.error(request, _("未保存:请更正标出的错误。"))
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "tickets/incidents.html",
        {"page": page, "form": form, "query": "", "title": _("事件")},
    )


@staff_required
def incident_detail(request, pk):
    user = request.user
    incident = selectors.incident_get_for_user(user, pk)
    may_run = services.may_run_incidents(user, incident.community_id)
    return _incident_page(request, incident, may_run)


def _incident_page(request, incident, may_run, *, update_form=None, link_form=None, status=200):
    tickets = selectors.tickets_visible_to(request.user).filter(incident=incident)
    return render(
        request,
        "tickets/incident_detail.html",
        {
            "incident": incident,
            "tickets": tickets.select_related(*selectors.LIST_RELATED).order_by("-id")[:500],
            "may_run": may_run,
            "update_form": update_form or (IncidentUpdateForm() if may_run else None),
            "link_form": link_form or (IncidentLinkNumberForm() if may_run else None),
            "title": incident.title,
        },
        status=status,
    )


@staff_required
@require_POST
def incident_update(request, pk):
    """One update reaches every open linked ticket's customer-visible timeline."""
    user = request.user
    incident = selectors.incident_get_for_user(user, pk)
    form = IncidentUpdateForm(request.POST)
    if form.is_valid():
        try:
            count = services.incident_update(
                by=user,
                incident=incident,
                text=form.cleaned_data["text"],
                close=form.cleaned_data["close"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已通报 %(n)s 张工单。") % {"n": count})
            return redirect("incident_detail", pk=pk)
    messages.error(request, _("未保存:请更正标出的错误。"))
    return _incident_page(request, incident, True, update_form=form)


@staff_required
@require_POST
def incident_link_ticket(request, pk):
    user = request.user
    incident = selectors.incident_get_for_user(user, pk)
    form = IncidentLinkNumberForm(request.POST)
    if form.is_valid():
        ticket = selectors.ticket_by_number(user, form.cleaned_data["number"])
        if ticket is None:
            form.add_error("number", _("找不到该工单。"))
        else:
            try:
                services.incident_link(by=user, incident=incident, ticket=ticket)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("已关联工单 %(number)s。") % {"number": ticket.number})
                return redirect("incident_detail", pk=pk)
    messages.error(request, _("未保存:请更正标出的错误。"))
    return _incident_page(request, incident, True, link_form=form)
