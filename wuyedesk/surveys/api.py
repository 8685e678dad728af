"""/api/v1/surveys: questionnaires (read), campaigns (list/create/open/close/progress),
invitations (scoped lists), call attempts and answers — by staff on the phone, by a resident
(their API token, their own household) or by the email link's token.

Answers are a JSON object keyed by the question's code (or "q<id>"):
{"overall": 4, "nps": 9, "dim_cleaning": 3, "contact_way": "phone",
 "priorities": ["cleaning"], "suggestion": "…"}. A bad answer is a 422 whose field is
"answers.<code>"; a used, expired or already-answered invitation is a 409/410 with its code.
"""

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from wuyedesk.accounts.models import Staff
from wuyedesk.api.errors import error_body
from wuyedesk.api.schemas import ErrorOut, Id, ThrottledOut
from wuyedesk.lib.paging import page_of
from wuyedesk.surveys import selectors, services
from wuyedesk.surveys.choices import InvitationStatus, SurveyChannel
from wuyedesk.surveys.models import QuestionnaireVersion
from wuyedesk.surveys.services import SurveyRefused

router = Router(tags=["surveys"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
ANSWER_ERRORS = {**ERRORS, 409: ErrorOut, 410: ErrorOut}
LINK_ERRORS = {**ANSWER_ERRORS, 429: ThrottledOut}


class QuestionOut(Schema):
    id: int
    code: str
    kind: str
    text: str
    text_en: str
    required: bool
    dimension: str | None = Field(None, alias="dimension.code")
    is_overall: bool
    choices: list[dict]
    section: str = Field(..., alias="section.title")


class VersionOut(Schema):
    id: int
    questionnaire: str = Field(..., alias="questionnaire.code")
    title: str = Field(..., alias="questionnaire.title")
    number: int
    published_at: dt.datetime | None
    intro: str
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(obj):
        return list(
            obj.questions.select_related("section", "dimension").order_by(
                "section__position", "section_id", "position", "id"
            )
        )


class QuestionnaireOut(Schema):
    id: int
    code: str
    title: str
    title_en: str
    versions: list[dict]

    @staticmethod
    def resolve_versions(obj):
        return [
            {"id": v.pk, "number": v.number, "published_at": v.published_at}
            for v in obj.versions.all()
        ]


class CampaignOut(Schema):
    id: int
    name: str
    quarter: str
    period_start: dt.date
    period_end: dt.date
    version_id: int
    status: str
    sampling: str
    confidence: int
    margin_points: int
    population: int
    sample_size: int
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    closed_at: dt.datetime | None
    auto_created: bool
    community_ids: list[int]

    @staticmethod
    def resolve_community_ids(obj):
        return sorted(c.pk for c in obj.communities.all())


class CampaignIn(Schema):
    name: str = Field("", max_length=100)
    quarter: str = Field("", max_length=10)
    version_id: Id
    community_ids: list[Id] = Field(..., min_length=1, max_length=1000)
    sampling: Literal["all", "sample"] = "all"
    confidence: Literal[90, 95, 99] | None = None
    margin_points: int | None = Field(None, ge=1, le=20)
    specialist_ids: list[Id] = Field(default_factory=list, max_length=200)
    open: bool = False


class InvitationOut(Schema):
    id: int
    campaign_id: int
    room_id: int
    community_id: int
    building_id: int
    address: str
    resident_name: str | None
    channel: str
    status: str
    assigned_to_id: int | None
    attempts: int
    call_back_at: dt.datetime | None
    sent_at: dt.datetime | None
    completed_at: dt.datetime | None

    @staticmethod
    def resolve_address(obj):
        return obj.room.address

    @staticmethod
    def resolve_resident_name(obj):
        return obj.resident.name if obj.resident_id else None


class InvitationPage(Schema):
    items: list[InvitationOut]
    page: int
    has_next: bool


class SurveyCallIn(Schema):
    outcome: Literal["no_answer", "call_back", "refused"]
    call_back_at: dt.datetime | None = None
    notes: str = Field("", max_length=300)


class SurveyCallOut(Schema):
    id: int
    at: dt.datetime
    outcome: str
    call_back_at: dt.datetime | None
    notes: str
    invitation_status: str
    attempts: int


class AnswersIn(Schema):
    answers: dict[str, int | str | list[str] | None]
    notes: str = Field("", max_length=300)


class ResponseOut(Schema):
    id: int
    invitation_id: int
    campaign_id: int
    channel: str
    submitted_at: dt.datetime
    answers: int

    @staticmethod
    def resolve_answers(obj):
        return obj.answers.count()


class PendingOut(Schema):
    invitation_id: int = Field(..., alias="pk")
    campaign: str = Field(..., alias="campaign.name")
    closes_at: dt.datetime | None = Field(None, alias="campaign.closes_at")
    version_id: int = Field(..., alias="campaign.version_id")
    address: str

    @staticmethod
    def resolve_address(obj):
        return obj.room.address


def _staff(request):
    selectors.require_survey_staff(request.auth)


def _refused(refused: SurveyRefused):
    return Status(refused.status, error_body(refused.code, refused.message))


def _answer_errors(
    version: QuestionnaireVersion, error: ValidationError, answers: dict
) -> ValidationError:
    """The service names fields q<id>; the API names them answers.<code>, and a key that
    names no question answers.<key> as it was sent."""
    codes = {f"q{pk}": code for pk, code in version.questions.values_list("pk", "code")}
    if not hasattr(error, "error_dict"):
        return error

    def name(field):
        if field in codes:
            return f"answers.{codes[field]}"
        return f"answers.{field}" if field in answers else field

    return ValidationError({name(f): errs for f, errs in error.error_dict.items()})


def _keyed_by_field(version: QuestionnaireVersion, answers: dict) -> dict:
    by_code = {code: f"q{pk}" for pk, code in version.questions.values_list("pk", "code")}
    return {by_code.get(k, k): v for k, v in answers.items()}


# ----------------------------------------------------------------------------- questionnaires


@router.get("/questionnaires", response={200: list[QuestionnaireOut], **ERRORS})
def questionnaire_list(request):
    _staff(request)
    return list(selectors.questionnaires_visible_to(request.auth).prefetch_related("versions"))


@router.get("/versions/{pk}", response={200: VersionOut, **ERRORS})
def version_get(request, pk: Id):
    _staff(request)
    return selectors.version_get_for_user(request.auth, pk)


# ----------------------------------------------------------------------------- campaigns


@router.get("/campaigns", response={200: list[CampaignOut], **ERRORS})
def campaign_list(request):
    _staff(request)
    return list(selectors.campaigns_visible_to(request.auth).prefetch_related("communities"))


@router.post("/campaigns", response={201: CampaignOut, **ANSWER_ERRORS})
def campaign_create(request, payload: CampaignIn):
    _staff(request)
    user = request.auth
    version = QuestionnaireVersion.objects.filter(pk=payload.version_id).first()
    if version is None:
        raise ValidationError(
            {"version_id": ValidationError(_("找不到该问卷版本。"), code="invalid_choice")}
        )
    visible = selectors.campaign_communities(user)
    communities = list(visible.filter(pk__in=payload.community_ids))
    if len(communities) != len(set(payload.community_ids)):
        raise ValidationError(
            {
                "community_ids": ValidationError(
                    _("找不到该记录,或不在您的权限范围内。"), code="invalid_choice"
                )
            }
        )
    try:
        campaign = services.campaign_create(
            by=user,
            name=payload.name,
            quarter=payload.quarter,
            version=version,
            communities=communities,
            sampling_mode=payload.sampling,
            confidence=payload.confidence,
            margin_points=payload.margin_points,
            specialists=payload.specialist_ids,
        )
        if payload.open:
            campaign = services.campaign_open(by=user, campaign=campaign)
    except ValidationError as error:
        if hasattr(error, "error_dict") and "version" in error.error_dict:
            error = ValidationError({"version_id": error.error_dict["version"]})
        if hasattr(error, "error_dict") and "communities" in error.error_dict:
            error = ValidationError({"community_ids": error.error_dict["communities"]})
        if hasattr(error, "error_dict") and "specialists" in error.error_dict:
            error = ValidationError({"specialist_ids": error.error_dict["specialists"]})
        raise error from None
    except SurveyRefused as refused:
        return _refused(refused)
    return Status(201, campaign)


@router.get("/campaigns/{pk}", response={200: CampaignOut, **ERRORS})
def campaign_get(request, pk: Id):
    _staff(request)
    return selectors.campaign_get_for_user(request.auth, pk)


@router.post("/campaigns/{pk}/open", response={200: CampaignOut, **ANSWER_ERRORS})
def campaign_open(request, pk: Id):
    _staff(request)
    campaign = selectors.campaign_get_for_user(request.auth, pk)
    try:
        return services.campaign_open(by=request.auth, campaign=campaign)
    except SurveyRefused as refused:
        return _refused(refused)


@router.post("/campaigns/{pk}/close", response={200: CampaignOut, **ANSWER_ERRORS})
def campaign_close(request, pk: Id):
    _staff(request)
    campaign = selectors.campaign_get_for_user(request.auth, pk)
    try:
        return services.campaign_close(by=request.auth, campaign=campaign)
    except SurveyRefused as refused:
        return _refused(refused)


@router.get("/campaigns/{pk}/progress", response={200: dict, **ERRORS})
def campaign_progress(request, pk: Id):
    """Response rate overall and by community, channel and specialist (your communities)."""
    _staff(request)
    campaign = selectors.campaign_get_for_user(request.auth, pk)
    return selectors.campaign_progress(campaign, request.auth)


@router.get("/campaigns/{pk}/invitations", response={200: InvitationPage, **ERRORS})
def invitation_list(
    request,
    pk: Id,
    status: InvitationStatus | None = None,
    channel: SurveyChannel | None = None,
    mine: bool = False,
    page: int = 1,
):
    """The campaign's invitations in your communities; `mine=true`: your call list."""
    _staff(request)
    campaign = selectors.campaign_get_for_user(request.auth, pk)
    qs = selectors.invitations_visible_to(request.auth).filter(campaign=campaign)
    if mine:
        qs = selectors.call_list(request.auth, campaign)
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    qs = qs.select_related("room__unit__building__community", "resident").order_by("pk")
    result = page_of(qs, page, size=100)
    return {"items": result.object_list, "page": result.number, "has_next": result.has_next}


# ----------------------------------------------------------------------------- phone


@router.post("/invitations/{pk}/calls", response={201: SurveyCallOut, **ANSWER_ERRORS})
def call_record(request, pk: Id, payload: SurveyCallIn):
    """Log a call that did not complete the survey (no answer, call back at …, refused)."""
    _staff(request)
    invitation = selectors.invitation_get_for_user(request.auth, pk)
    try:
        attempt = services.call_attempt_record(
            by=request.auth,
            invitation=invitation,
            outcome=payload.outcome,
            call_back_at=payload.call_back_at,
            notes=payload.notes,
        )
    except SurveyRefused as refused:
        return _refused(refused)
    return Status(
        201,
        {
            "id": attempt.pk,
            "at": attempt.at,
            "outcome": attempt.outcome,
            "call_back_at": attempt.call_back_at,
            "notes": attempt.notes,
            "invitation_status": invitation.status,
            "attempts": invitation.attempts,
        },
    )


@router.post("/invitations/{pk}/answers", response={201: ResponseOut, **ANSWER_ERRORS})
def phone_answers(request, pk: Id, payload: AnswersIn):
    """A specialist enters the answers given on the phone."""
    _staff(request)
    invitation = selectors.invitation_get_for_user(request.auth, pk)
    version = invitation.campaign.version
    try:
        response = services.answer_by_phone(
            by=request.auth,
            invitation=invitation,
            answers=_keyed_by_field(version, payload.answers),
            notes=payload.notes,
        )
    except SurveyRefused as refused:
        return _refused(refused)
    except ValidationError as error:
        raise _answer_errors(version, error, payload.answers) from None
    return Status(201, response)


class InvitationAssignIn(Schema):
    staff_id: Id | None = None


@router.post("/invitations/{pk}/assign", response={200: InvitationOut, **ERRORS})
def invitation_assign(request, pk: Id, payload: InvitationAssignIn):
    """Move a phone invitation to another specialist of its community (or to nobody)."""
    _staff(request)
    invitation = selectors.invitation_get_for_user(request.auth, pk)
    staff = None
    if payload.staff_id is not None:
        staff = Staff.objects.filter(pk=payload.staff_id, archived_at__isnull=True).first()
        if staff is None:
            raise ValidationError(
                {"staff_id": ValidationError(_("找不到该员工。"), code="invalid_choice")}
            )
    try:
        services.invitation_assign(by=request.auth, invitation=invitation, staff=staff)
    except ValidationError as error:
        if hasattr(error, "error_dict") and "assigned_to" in error.error_dict:
            error = ValidationError({"staff_id": error.error_dict["assigned_to"]})
        raise error from None
    return invitation


# ----------------------------------------------------------------------------- residents


@router.get("/my/pending", response={200: list[PendingOut], **ERRORS})
def my_pending(request):
    """The resident's unanswered surveys (the portal's list)."""
    if not getattr(request.auth, "is_resident", False):
        raise PermissionDenied
    return list(selectors.pending_for_resident(request.auth))


@router.post("/my/invitations/{pk}/answers", response={201: ResponseOut, **ANSWER_ERRORS})
def my_answers(request, pk: Id, payload: AnswersIn):
    """A resident answers for a household they live in (another household is 404)."""
    user = request.auth
    if not getattr(user, "is_resident", False):
        raise PermissionDenied
    invitation = selectors.invitation_for_resident(user, pk)
    version = invitation.campaign.version
    try:
        response = services.answer_by_resident(
            user=user, invitation=invitation, answers=_keyed_by_field(version, payload.answers)
        )
    except SurveyRefused as refused:
        return _refused(refused)
    except ValidationError as error:
        raise _answer_errors(version, error, payload.answers) from None
    return Status(201, response)


@router.get("/token/{token}", auth=None, response={200: VersionOut, **LINK_ERRORS})
def token_questions(request, token: str):
    """The questions behind an email link (no login: the link's token is the key). Requests
    from one client address are limited (company setting `rate_survey_link`): 429 with
    `Retry-After` over it."""
    services.survey_link_check(request)
    try:
        invitation = services.invitation_by_token(token)
    except SurveyRefused as refused:
        return _refused(refused)
    return invitation.campaign.version


@router.post("/token/{token}/answers", auth=None, response={201: ResponseOut, **LINK_ERRORS})
def token_answers(request, token: str, payload: AnswersIn):
    """Answer by an email link; limited per client address as `GET /token/{token}` is."""
    services.survey_link_check(request)
    try:
        invitation = services.invitation_by_token(token)
        version = invitation.campaign.version
        response = services.answer_by_token(
            token=token, answers=_keyed_by_field(version, payload.answers)
        )
    except SurveyRefused as refused:
        return _refused(refused)
    except ValidationError as error:
        raise _answer_errors(version, error, payload.answers) from None
    return Status(201, response)
