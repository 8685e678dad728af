"""Survey campaign pages: the list, creating one with the sample calculator, its live
progress, opening and closing it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wuyedesk.accounts.access import community_ids, has_post
from wuyedesk.accounts.decorators import staff_required
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.lib.paging import page_of
from wuyedesk.policies.services import policy
from wuyedesk.surveys import selectors, services
from wuyedesk.surveys.choices import InvitationStatus, SurveyChannel
from wuyedesk.surveys.forms import (
    CampaignForm,
)
from wuyedesk.surveys.services import SurveyRefused


@staff_required
def campaign_list(request):
    selectors.require_survey_staff(request.user)
    # Counted over the user's own communities only, like the progress page.
    ids = community_ids(request.user)
    mine = Q() if ids is None else Q(invitations__community_id__in=ids)
    done = mine & Q(invitations__status=InvitationStatus.COMPLETED)
    campaigns = (
        selectors.campaigns_visible_to(request.user)
        .select_related("version__questionnaire")
        .annotate(
            n_invited=Count("invitations", filter=mine, distinct=True),
            n_done=Count("invitations", filter=done, distinct=True),
        )
    )
    return render(
        request,
        "surveys/campaign_list.html",
        {
            "title": _("满意度调查"),
            "campaigns": campaigns,
            "can_admin": has_post(request.user, *selectors.SURVEY_ADMIN_POSTS),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def campaign_new(request):
    services.require_survey_admin(request.user)
    settings_ = policy()
    kwargs = {
        "communities": selectors.campaign_communities(request.user),
        "specialists": selectors.specialists_in_scope(request.user),
    }
    if request.method == "POST":
        form = CampaignForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = services.campaign_create(
                    by=request.user,
                    name=data["name"],
                    quarter=data["quarter"],
                    version=data["version"],
                    communities=data["communities"],
                    sampling_mode=data["sampling"],
                    confidence=data["confidence"],
                    margin_points=data["margin_points"],
                    specialists=data["specialists"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("调查活动已创建,确认后点击“开始调查”。"))
                return redirect("surveys:campaign_detail", campaign.pk)
    else:
        form = CampaignForm(
            initial={
                "sampling": "sample",
                "confidence": settings_.survey_confidence,
                "margin_points": settings_.survey_margin_points,
                "communities": list(kwargs["communities"].values_list("pk", flat=True)),
            },
            **kwargs,
        )
    return render(request, "surveys/campaign_form.html", {"form": form, "title": _("新建调查活动")})


@staff_required
def campaign_calculator(request):
    """htmx: the sample the calculator proposes for the chosen communities and margin."""
    services.require_survey_admin(request.user)
    visible = set(selectors.campaign_communities(request.user).values_list("pk", flat=True))
    try:
        ids = [int(x) for x in request.GET.getlist("communities") if int(x) in visible]
        confidence = int(request.GET.get("confidence") or policy().survey_confidence)
        margin = int(request.GET.get("margin_points") or policy().survey_margin_points)
    except ValueError:
        ids, confidence, margin = [], 95, 5
    if confidence not in (90, 95, 99) or not 1 <= margin <= 20:
        proposal = None
    else:
        proposal = services.propose_sample(
            community_ids_=ids, confidence=confidence, margin_points=margin
        )
        names = dict(
            selectors.campaign_communities(request.user)
            .filter(pk__in=ids)
            .values_list("pk", "name")
        )
        proposal["rows"] = [
            {"name": names.get(cid, cid), **row}
            for cid, row in sorted(proposal["communities"].items())
        ]
    return render(
        request,
        "surveys/_calculator.html",
        {"proposal": proposal, "confidence": confidence, "margin": margin},
    )


@staff_required
def campaign_detail(request, pk):
    selectors.require_survey_staff(request.user)
    campaign = selectors.campaign_get_for_user(request.user, pk)
    invitations = (
        selectors.invitations_visible_to(request.user)
        .filter(campaign=campaign)
        .select_related("room__unit__building__community", "resident", "assigned_to")
        .order_by("community_id", "building_id", "room_id")
    )
    status = request.GET.get("status", "")
    channel = request.GET.get("channel", "")
    if status in InvitationStatus.values:
        invitations = invitations.filter(status=status)
    if channel in SurveyChannel.values:
        invitations = invitations.filter(channel=channel)
    page = page_of(invitations, request.GET.get("page"), size=50)
    return render(
        request,
        "surveys/campaign_detail.html",
        {
            "title": campaign.name,
            "campaign": campaign,
            "progress": selectors.campaign_progress(campaign, request.user),
            "page": page,
            "status": status,
            "channel": channel,
            "statuses": InvitationStatus.choices,
            "channels": SurveyChannel.choices,
            "can_admin": has_post(request.user, *selectors.SURVEY_ADMIN_POSTS),
            "communities": campaign.communities.all(),
        },
    )


@staff_required
def campaign_progress(request, pk):
    """htmx: the live figures (a fixed number of queries, whatever the invitations)."""
    selectors.require_survey_staff(request.user)
    campaign = selectors.campaign_get_for_user(request.user, pk)
    return render(
        request,
        "surveys/_progress.html",
        {"campaign": campaign, "progress": selectors.campaign_progress(campaign, request.user)},
    )


@staff_required
@require_POST
def campaign_action(request, pk, action):
    services.require_survey_admin(request.user)
    campaign = selectors.campaign_get_for_user(request.user, pk)
    try:
        if action == "open":
            services.campaign_open(by=request.user, campaign=campaign)
            messages.success(request, _("调查已开始,邮件邀请正在发送。"))
        elif action == "close":
            services.campaign_close(by=request.user, campaign=campaign)
            messages.success(request, _("调查活动已结束。"))
        else:
            raise Http404
    except SurveyRefused as refused:
        messages.error(request, refused.message)
    return redirect("surveys:campaign_detail", campaign.pk)
