"""Answers by link, portal and phone; call attempts and the phone call lists."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import has_post, require_community
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import Staff
from wuyedesk.core import versions
from wuyedesk.lib import text as text_rule
from wuyedesk.policies.services import policy
from wuyedesk.surveys.choices import (
    ANSWERABLE,
    NUMERIC_RANGES,
    CallOutcome,
    InvitationStatus,
    QuestionKind,
    SurveyChannel,
)
from wuyedesk.surveys.models import (
    Answer,
    CallAttempt,
    Invitation,
    Question,
    QuestionnaireVersion,
    Response,
)
from wuyedesk.surveys.selectors import VERSION, resident_may_answer
from wuyedesk.surveys.services.common import (
    SurveyRefused,
    checked_text,
    invalid,
    require_survey_admin,
)
from wuyedesk.surveys.services.invitations import check_answerable, invitation_by_token

PHONE_POSTS = (Post.SPECIALIST, Post.ASSISTANT, Post.MANAGER)


def validate_answers(version: QuestionnaireVersion, raw: dict) -> tuple[dict, dict]:
    """Clean raw answers ({question_id or code: value}) against the version's questions.
    Returns (cleaned {question: (int, choices, text)}, errors {field: (code, message)}).
    Nothing is changed silently: a key naming no question of the version, a text over
    Answer.TEXT_MAX or with a control character is an error of its field."""
    cleaned: dict[Question, tuple] = {}
    errors: dict[str, tuple[str, str]] = {}
    questions = list(
        version.questions.select_related("section").order_by("section__position", "position", "id")
    )
    known = set()
    for q in questions:
        known |= {f"q{q.pk}", q.code, str(q.pk), q.pk}
    for key in raw:
        if key not in known:
            errors[str(key)] = ("unknown_question", _("问卷中没有这道题。"))
    for q in questions:
        field = f"q{q.pk}"
        value = raw.get(field, raw.get(q.code, raw.get(str(q.pk), raw.get(q.pk))))
        empty = value is None or value == "" or value == []
        if empty:
            if q.required:
                errors[field] = ("required", _("请回答这道必答题。"))
            continue
        if q.kind in NUMERIC_RANGES:
            low, high = NUMERIC_RANGES[q.kind]
            try:
                number = int(str(value).strip())
            except (TypeError, ValueError):
                errors[field] = ("invalid", _("请填写一个整数。"))
                continue
            if not low <= number <= high:
                errors[field] = (
                    "out_of_range",
                    _("分值应在 %(low)s 到 %(high)s 之间。") % {"low": low, "high": high},
                )
                continue
            cleaned[q] = (number, [], "")
        elif q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            values = value if isinstance(value, list | tuple) else [value]
            values = [str(v) for v in values]
            allowed = {c["value"] for c in q.choices}
            if any(v not in allowed for v in values):
                errors[field] = ("invalid_choice", _("所选项不在选项中。"))
                continue
            if q.kind == QuestionKind.SINGLE and len(values) != 1:
                errors[field] = ("invalid_choice", _("这道题只能选一项。"))
                continue
            cleaned[q] = (None, sorted(set(values), key=values.index), "")
        else:
            text = text_rule.clean_text(str(value).strip())
            if text is None:
                errors[field] = (text_rule.CODE, str(text_rule.MESSAGE))
                continue
            if len(text) > Answer.TEXT_MAX:
                errors[field] = ("too_long", _("最多 %(n)s 个字。") % {"n": Answer.TEXT_MAX})
                continue
            if not text:
                if q.required:
                    errors[field] = ("required", _("请回答这道必答题。"))
                continue
            cleaned[q] = (None, [], text)
    return cleaned, errors


def _raise_answer_errors(errors: dict) -> None:
    if errors:
        raise ValidationError(
            {f: ValidationError(msg, code=code) for f, (code, msg) in errors.items()}
        )


def _store(invitation: Invitation, cleaned: dict, *, channel, respondent_id, entered_by, now):
    """Claim the invitation (answerable → completed) and write the response: one per
    invitation, whatever races; the loser stores nothing."""
    claimed = Invitation.objects.filter(pk=invitation.pk, status__in=ANSWERABLE).update(
        status=InvitationStatus.COMPLETED, completed_at=now
    )
    versions.bump(VERSION)  # the homes' survey figures (an update sends no signal)
    if not claimed:
        raise SurveyRefused(
            "already_completed", _("这份问卷已经提交过了,感谢您的参与。每户只能提交一次。")
        )
    try:
        with transaction.atomic():
            response = Response.objects.create(
                invitation=invitation,
                campaign_id=invitation.campaign_id,
                community_id=invitation.community_id,
                building_id=invitation.building_id,
                room_id=invitation.room_id,
                version_id=invitation.campaign.version_id,
                channel=channel,
                respondent_id=respondent_id,
                entered_by=entered_by,
                submitted_at=now,
            )
    except IntegrityError as error:
        raise SurveyRefused(
            "already_completed", _("这份问卷已经提交过了,感谢您的参与。每户只能提交一次。")
        ) from error
    Answer.objects.bulk_create(
        [
            Answer(
                response=response,
                question=q,
                value_int=number,
                value_choices=choices,
                value_text=text,
            )
            for q, (number, choices, text) in cleaned.items()
        ]
    )
    invitation.status = InvitationStatus.COMPLETED
    invitation.completed_at = now
    return response


def answer_by_token(*, token: str, answers: dict, now=None) -> Response:
    """The email link: usable once, until the campaign closes."""
    now = now or timezone.now()
    invitation = invitation_by_token(token)
    cleaned, errors = validate_answers(invitation.campaign.version, answers)
    _raise_answer_errors(errors)
    with transaction.atomic():
        return _store(
            invitation,
            cleaned,
            channel=SurveyChannel.EMAIL,
            respondent_id=invitation.resident_id,
            entered_by=None,
            now=now,
        )


def answer_by_resident(*, user, invitation: Invitation, answers: dict, now=None) -> Response:
    """The portal: a logged-in resident answers for a household they live in, only."""
    now = now or timezone.now()
    if not resident_may_answer(user, invitation):
        raise PermissionDenied
    check_answerable(invitation, now=now)
    cleaned, errors = validate_answers(invitation.campaign.version, answers)
    _raise_answer_errors(errors)
    with transaction.atomic():
        return _store(
            invitation,
            cleaned,
            channel=SurveyChannel.PORTAL,
            respondent_id=user.resident_id,
            entered_by=None,
            now=now,
        )


def _require_phone_staff(by, invitation: Invitation) -> None:
    if not has_post(by, *PHONE_POSTS):
        raise PermissionDenied
    require_community(by, invitation.community_id)


def answer_by_phone(*, by, invitation: Invitation, answers: dict, notes: str = "", now=None):
    """A specialist enters the answers given on the phone; the call is logged as completed."""
    now = now or timezone.now()
    _require_phone_staff(by, invitation)
    check_answerable(invitation, now=now)
    notes = checked_text("notes", notes, CallAttempt._meta.get_field("notes").max_length)
    cleaned, errors = validate_answers(invitation.campaign.version, answers)
    _raise_answer_errors(errors)
    with transaction.atomic():
        response = _store(
            invitation,
            cleaned,
            channel=SurveyChannel.PHONE,
            respondent_id=invitation.resident_id,
            entered_by=by,
            now=now,
        )
        CallAttempt.objects.create(
            invitation=invitation, at=now, by=by, outcome=CallOutcome.COMPLETED, notes=notes
        )
        Invitation.objects.filter(pk=invitation.pk).update(
            attempts=F("attempts") + 1, call_back_at=None
        )
    return response


def call_attempt_record(
    *,
    by,
    invitation: Invitation,
    outcome: str,
    call_back_at: dt.datetime | None = None,
    notes: str = "",
    now=None,
) -> CallAttempt:
    """Log a call that did not complete the survey. The attempt limit (policy) ends the
    invitation as unreachable; a refusal ends it at once."""
    now = now or timezone.now()
    _require_phone_staff(by, invitation)
    if outcome == CallOutcome.COMPLETED:
        raise invalid("outcome", _("完成访问请录入答案后提交。"), "answers_required")
    if outcome not in CallOutcome.values:
        raise invalid("outcome", _("拨打结果无效。"), "invalid_choice")
    if outcome == CallOutcome.CALL_BACK:
        if call_back_at is None:
            raise invalid("call_back_at", _("请填写约定回拨时间。"), "required")
        if call_back_at <= now:
            raise invalid("call_back_at", _("约定回拨时间应晚于现在。"), "past")
    else:
        call_back_at = None
    check_answerable(invitation, now=now)
    limit = policy().survey_phone_max_attempts
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status not in ANSWERABLE:
            raise SurveyRefused("already_completed", _("这份问卷已经结束,不能再记录拨打。"))
        attempts = locked.attempts + 1
        status = locked.status
        if outcome == CallOutcome.REFUSED:
            status = InvitationStatus.REFUSED
        elif attempts >= limit:
            status = InvitationStatus.UNREACHABLE
        attempt = CallAttempt.objects.create(
            invitation=locked,
            at=now,
            by=by,
            outcome=outcome,
            call_back_at=call_back_at,
            notes=(notes or "")[:300],
        )
        Invitation.objects.filter(pk=locked.pk).update(
            attempts=attempts, status=status, call_back_at=call_back_at
        )
        versions.bump(VERSION)  # the homes' survey figures (an update sends no signal)
    invitation.attempts, invitation.status, invitation.call_back_at = attempts, status, call_back_at
    return attempt


def invitation_assign(*, by, invitation: Invitation, staff: Staff | None) -> Invitation:
    require_survey_admin(by)
    require_community(by, invitation.community_id)
    if staff is not None:
        if staff.archived_at is not None:
            # An archived person gets no call list (the API also looks up active staff only).
            raise invalid("assigned_to", _("找不到该员工。"), "invalid_choice")
        ids = set(staff.communities.values_list("pk", flat=True))
        if invitation.community_id not in ids:
            raise invalid("assigned_to", _("该专员不负责这个小区。"), "out_of_scope")
    Invitation.objects.filter(pk=invitation.pk).update(assigned_to=staff)
    versions.bump(VERSION)  # the homes' survey figures (an update sends no signal)
    invitation.assigned_to = staff
    return invitation
