"""Every change to surveys: permission, validation, the change and its audit row in one
transaction, side effects (mail) after the commit. Views, API, tasks and seeding call these."""

import datetime as dt
import logging
import random
import secrets
import smtplib
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import has_post, require_community
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import Staff
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.lib import text as text_rule
from wuyedesk.lib.throttle import throttle
from wuyedesk.policies.services import policy
from wuyedesk.properties.choices import OccupancyRole
from wuyedesk.properties.models import Community, Occupancy
from wuyedesk.properties.services import company_get
from wuyedesk.surveys import sampling
from wuyedesk.surveys.choices import (
    ANSWERABLE,
    NUMERIC_RANGES,
    CallOutcome,
    CampaignStatus,
    InvitationStatus,
    QuestionKind,
    SamplingMode,
    SurveyChannel,
)
from wuyedesk.surveys.models import (
    Answer,
    CallAttempt,
    Campaign,
    Dimension,
    Invitation,
    OptOut,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    Section,
)
from wuyedesk.surveys.selectors import SURVEY_ADMIN_POSTS, specialists_in_scope

log = logging.getLogger(__name__)
PHONE_POSTS = (Post.SPECIALIST, Post.ASSISTANT, Post.MANAGER)


class SurveyRefused(Exception):
    """An answer that must not be stored (used or expired link, already answered…)."""

    def __init__(self, code: str, message: str, status: int = 409):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def _invalid(field: str, message: str, code: str = "invalid"):
    return ValidationError({field: ValidationError(message, code=code)})


# ---------------------------------------------------------------------------------------------
# Questionnaires


def _require_draft(version: QuestionnaireVersion) -> None:
    if version.published_at is not None:
        raise SurveyRefused(
            "published", _("已发布的问卷版本不能修改;请基于它新建一个版本。"), status=409
        )


def questionnaire_create(*, by, code: str, title: str, title_en: str = "") -> QuestionnaireVersion:
    """A new questionnaire with an empty draft version 1."""
    if not has_post(by, *SURVEY_ADMIN_POSTS):
        raise PermissionDenied
    code = (code or "").strip().upper()
    if not code:
        raise _invalid("code", _("请填写编码。"), "required")
    if not (title or "").strip():
        raise _invalid("title", _("请填写标题。"), "required")
    if Questionnaire.objects.filter(code=code).exists():
        raise _invalid("code", _("该编码已被使用。"), "duplicate")
    with transaction.atomic():
        questionnaire = Questionnaire.objects.create(
            code=code, title=title.strip(), title_en=(title_en or "").strip(), created_by=by
        )
        version = QuestionnaireVersion.objects.create(
            questionnaire=questionnaire, number=1, created_by=by
        )
        audit_record(actor=by, action=AuditAction.CREATE, obj=questionnaire)
    return version


def version_new_draft(*, by, version: QuestionnaireVersion) -> QuestionnaireVersion:
    """A new draft copied from a published version; the existing draft if there is one."""
    if not has_post(by, *SURVEY_ADMIN_POSTS):
        raise PermissionDenied
    draft = QuestionnaireVersion.objects.filter(
        questionnaire_id=version.questionnaire_id, published_at__isnull=True
    ).first()
    if draft is not None:
        return draft
    with transaction.atomic():
        last = (
            QuestionnaireVersion.objects.filter(questionnaire_id=version.questionnaire_id)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        new = QuestionnaireVersion.objects.create(
            questionnaire_id=version.questionnaire_id,
            number=last + 1,
            intro=version.intro,
            intro_en=version.intro_en,
            script=version.script,
            script_en=version.script_en,
            created_by=by,
        )
        for section in version.sections.prefetch_related("questions"):
            copy = Section.objects.create(
                version=new,
                position=section.position,
                title=section.title,
                title_en=section.title_en,
            )
            for q in section.questions.all():
                Question.objects.create(
                    version=new,
                    section=copy,
                    position=q.position,
                    code=q.code,
                    kind=q.kind,
                    text=q.text,
                    text_en=q.text_en,
                    required=q.required,
                    dimension_id=q.dimension_id,
                    is_overall=q.is_overall,
                    choices=q.choices,
                )
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            obj=new,
            changes={"from_version": [None, version.number]},
        )
    return new


def version_update(
    *, by, version: QuestionnaireVersion, intro="", intro_en="", script="", script_en=""
):
    if not has_post(by, *SURVEY_ADMIN_POSTS):
        raise PermissionDenied
    _require_draft(version)
    version.intro, version.intro_en = intro, intro_en
    version.script, version.script_en = script, script_en
    version.save(update_fields=["intro", "intro_en", "script", "script_en"])
    return version


def section_save(
    *,
    by,
    version: QuestionnaireVersion,
    title: str,
    title_en: str = "",
    position=None,
    section=None,
) -> Section:
    if not has_post(by, *SURVEY_ADMIN_POSTS):
        raise PermissionDenied
    _require_draft(version)
    if not (title or "").strip():
        raise _invalid("title", _("请填写标题。"), "required")
    if section is None:
        section = Section(version=version)
        if position is None:
            position = version.sections.count() + 1
    elif section.version_id != version.pk:
        raise PermissionDenied
    section.title, section.title_en = title.strip(), (title_en or "").strip()
    if position is not None:
        section.position = position
    section.save()
    return section


def _clean_choices(kind: str, raw) -> list[dict]:
    if kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return []
    items = []
    if isinstance(raw, str):
        # One option a line: "中文 | English | value" (English and value optional).
        for n, line in enumerate(line for line in raw.splitlines() if line.strip()):
            parts = [part.strip() for part in line.split("|")]
            items.append(
                {
                    "value": (parts[2] if len(parts) > 2 and parts[2] else f"o{n + 1}"),
                    "zh": parts[0],
                    "en": parts[1] if len(parts) > 1 else "",
                }
            )
    else:
        for n, item in enumerate(raw or []):
            items.append(
                {
                    "value": str(item.get("value") or f"o{n + 1}"),
                    "zh": str(item.get("zh", "")).strip(),
                    "en": str(item.get("en", "")).strip(),
                }
            )
    if len(items) < 2 or any(not i["zh"] for i in items):
        raise _invalid("choices", _("选择题至少需要两个选项,每个选项要有中文文字。"), "choices")
    if len({i["value"] for i in items}) != len(items):
        raise _invalid("choices", _("选项的值不能重复。"), "choices")
    return items


def question_save(
    *,
    by,
    section: Section,
    code: str,
    kind: str,
    text: str,
    text_en: str = "",
    required: bool = True,
    dimension: Dimension | None = None,
    is_overall: bool = False,
    choices=None,
    position=None,
    question: Question | None = None,
) -> Question:
    if not has_post(by, *SURVEY_ADMIN_POSTS):
        raise PermissionDenied
    version = section.version
    _require_draft(version)
    code = (code or "").strip()
    if not code:
        raise _invalid("code", _("请填写编码。"), "required")
    if kind not in QuestionKind.values:
        raise _invalid("kind", _("题型无效。"), "invalid_choice")
    if not (text or "").strip():
        raise _invalid("text", _("请填写题目。"), "required")
    if is_overall and kind != QuestionKind.RATING:
        raise _invalid("is_overall", _("总体满意度题必须是 1–5 分评分题。"), "overall_kind")
    if dimension is not None and kind != QuestionKind.RATING:
        raise _invalid("dimension", _("只有 1–5 分评分题可以对应服务维度。"), "dimension_kind")
    others = Question.objects.filter(version=version)
    if question is not None:
        if question.version_id != version.pk:
            raise PermissionDenied
        others = others.exclude(pk=question.pk)
    if others.filter(code=code).exists():
        raise _invalid("code", _("本版本已有同一编码的题目。"), "duplicate")
    if is_overall and others.filter(is_overall=True).exists():
        raise _invalid("is_overall", _("每个版本只能有一道总体满意度题。"), "duplicate")
    cleaned = _clean_choices(kind, choices)
    question = question or Question()
    if position is None and question.pk is None:
        position = section.questions.count() + 1
    question.section = section
    question.code, question.kind = code, kind
    question.text, question.text_en = text.strip(), (text_en or "").strip()
    question.required, question.dimension = bool(required), dimension
    question.is_overall, question.choices = bool(is_overall), cleaned
    if position is not None:
        question.position = position
    question.save()
    return question


def question_delete(*, by, question: Question) -> None:
    if not has_post(by, *SURVEY_ADMIN_POSTS):
        raise PermissionDenied
    _require_draft(question.version)
    question.delete()


def section_delete(*, by, section: Section) -> None:
    if not has_post(by, *SURVEY_ADMIN_POSTS):
        raise PermissionDenied
    _require_draft(section.version)
    section.delete()


def version_publish(*, by, version: QuestionnaireVersion) -> QuestionnaireVersion:
    """Freeze the version. It needs questions and exactly one overall-satisfaction question."""
    if not has_post(by, *SURVEY_ADMIN_POSTS):
        raise PermissionDenied
    _require_draft(version)
    questions = list(version.questions.all())
    if not questions:
        raise _invalid("questions", _("问卷还没有题目,不能发布。"), "empty")
    if sum(q.is_overall for q in questions) != 1:
        raise _invalid("is_overall", _("发布前请指定一道总体满意度题。"), "overall_missing")
    with transaction.atomic():
        claimed = QuestionnaireVersion.objects.filter(
            pk=version.pk, published_at__isnull=True
        ).update(published_at=timezone.now(), published_by=by)
        if not claimed:
            raise SurveyRefused("published", _("该版本已经发布。"))
        version.refresh_from_db()
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=version,
            changes={"published_at": [None, str(version.published_at)]},
        )
    return version


def dimension_set_department(*, by, dimension: Dimension, department) -> Dimension:
    if not has_post(by, Post.MANAGER, Post.ADMIN, Post.ASSISTANT):
        raise PermissionDenied
    before = dimension.department_id
    dimension.department = department
    dimension.save(update_fields=["department"])
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=dimension,
        changes={"department": [before, department.pk if department else None]},
    )
    return dimension


# ---------------------------------------------------------------------------------------------
# Campaigns


def period_of(day: dt.date, every_months: int) -> tuple[str, dt.date, dt.date]:
    """The survey period holding `day`: ("2026Q4", 2026-10-01, 2026-12-31) for a quarterly
    cadence, ("2026-11", …) with the period's first month for another one."""
    index = (day.month - 1) // every_months
    first_month = index * every_months + 1
    start = dt.date(day.year, first_month, 1)
    end_month = first_month + every_months
    end = (
        dt.date(day.year + 1, 1, 1) if end_month > 12 else dt.date(day.year, end_month, 1)
    ) - dt.timedelta(days=1)
    key = f"{day.year}Q{index + 1}" if every_months == 3 else f"{day.year}-{first_month:02d}"
    return key, start, end


ROLE_ORDER = {OccupancyRole.OWNER: 0, OccupancyRole.FAMILY: 1, OccupancyRole.TENANT: 2}


def households(community_ids_: list[int]) -> dict[int, dict]:
    """Rooms with a current occupant in the communities, with the person to contact (owner
    first), excluding households that opted out: {room_id: {community, building, resident}}."""
    opted = set(OptOut.objects.values_list("room_id", flat=True))
    rows = (
        Occupancy.objects.filter(
            community_id__in=community_ids_,
            move_out__isnull=True,
            room__archived_at__isnull=True,
        )
        .values(
            "room_id",
            "room__community_id",
            "room__building_id",
            "resident_id",
            "resident__email",
            "role",
            "id",
        )
        .order_by("room_id", "id")
    )
    found: dict[int, dict] = {}
    for row in rows:
        if row["room_id"] in opted:
            continue
        rank = (ROLE_ORDER.get(row["role"], 9), row["id"])
        current = found.get(row["room_id"])
        if current is None or rank < current["rank"]:
            found[row["room_id"]] = {
                "rank": rank,
                "community": row["room__community_id"],
                "building": row["room__building_id"],
                "resident": row["resident_id"],
                "email": row["resident__email"],
            }
    return found


def propose_sample(*, community_ids_: list[int], confidence: int, margin_points: int) -> dict:
    """The calculator: per community, its households and the sample Cochran proposes
    (each community is analysed on its own, so each gets the wanted margin)."""
    homes = households(community_ids_)
    per = defaultdict(int)
    for home in homes.values():
        per[home["community"]] += 1
    rows = {
        cid: {
            "population": n,
            "sample": sampling.cochran_size(
                population=n, confidence=confidence, margin_points=margin_points
            ),
        }
        for cid, n in per.items()
    }
    return {
        "population": sum(r["population"] for r in rows.values()),
        "sample": sum(r["sample"] for r in rows.values()),
        "communities": rows,
    }


def _specialists_for(campaign: Campaign, community_ids_: list[int]) -> dict[int, list[int]]:
    chosen = list(
        campaign.specialists.filter(archived_at__isnull=True).values_list("pk", flat=True)
    )
    qs = Staff.objects.filter(archived_at__isnull=True, posts__post=Post.SPECIALIST)
    if chosen:
        qs = Staff.objects.filter(pk__in=chosen)
    pairs = qs.filter(communities__in=community_ids_).values_list("communities", "pk").distinct()
    out: dict[int, list[int]] = defaultdict(list)
    for cid, sid in sorted(pairs):
        out[cid].append(sid)
    return out


def _check_specialists(by, specialists, *, auto: bool) -> list[Staff]:
    """The campaign's callers (Staff objects or ids), each an active specialist in the
    creator's scope (any community for a campaign the schedule creates); the one rule the page
    and the API share. Raises ValidationError on `specialists` otherwise."""
    wanted = {getattr(s, "pk", s) for s in specialists}
    if not wanted:
        return []
    known = set(Staff.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    if known != wanted:
        raise _invalid("specialists", _("找不到该员工。"), "invalid_choice")
    allowed = list(specialists_in_scope(None if auto else by).filter(pk__in=wanted))
    if len(allowed) != len(wanted):
        raise _invalid("specialists", _("只能选择您负责小区的在职客服专员。"), "out_of_scope")
    return allowed


def campaign_create(
    *,
    by,
    name: str,
    version: QuestionnaireVersion,
    communities,
    quarter: str = "",
    sampling_mode: str = SamplingMode.ALL,
    confidence: int | None = None,
    margin_points: int | None = None,
    specialists=(),
    today: dt.date | None = None,
    seed: int | None = None,
    auto: bool = False,
) -> Campaign:
    """A campaign with its invitations (one per household, opted-out ones skipped), in draft.
    Raises ValidationError (field, code) on bad input; the quarter is unique."""
    settings_ = policy()
    if not auto and not has_post(by, *SURVEY_ADMIN_POSTS):
        raise PermissionDenied
    communities = list(communities)
    if not communities:
        raise _invalid("communities", _("请至少选择一个小区。"), "required")
    if not auto:
        for community in communities:
            require_community(by, community.pk)
    if version.published_at is None:
        raise _invalid("version", _("只能使用已发布的问卷版本。"), "not_published")
    if sampling_mode not in SamplingMode.values:
        raise _invalid("sampling", _("调查范围无效。"), "invalid_choice")
    confidence = int(confidence or settings_.survey_confidence)
    if confidence not in sampling.Z_VALUES:
        raise _invalid("confidence", _("置信度只能是 90、95 或 99。"), "invalid_choice")
    margin_points = int(margin_points or settings_.survey_margin_points)
    if not 1 <= margin_points <= 20:
        raise _invalid("margin_points", _("允许误差应在 1 到 20 个百分点之间。"), "range")
    specialists = _check_specialists(by, specialists, auto=auto)
    today = today or timezone.localdate()
    key, start, end = period_of(today, settings_.survey_every_months)
    quarter = (quarter or key).strip()
    if Campaign.objects.filter(quarter=quarter).exists():
        raise _invalid("quarter", _("调查期 %(q)s 已有调查活动。") % {"q": quarter}, "duplicate")
    ids = [c.pk for c in communities]
    homes = households(ids)
    if not homes:
        raise _invalid("communities", _("所选小区没有在住的住户。"), "empty")
    rng = random.Random(seed)  # noqa: S311  (a sample, not a secret)
    chosen = sorted(homes)
    if sampling_mode == SamplingMode.SAMPLE:
        by_community: dict[int, dict] = defaultdict(lambda: defaultdict(list))
        for room_id in chosen:
            home = homes[room_id]
            by_community[home["community"]][home["building"]].append(room_id)
        chosen = []
        for cid in sorted(by_community):
            strata = by_community[cid]
            n = sampling.cochran_size(
                population=sum(len(v) for v in strata.values()),
                confidence=confidence,
                margin_points=margin_points,
            )
            for rooms in sampling.stratified_sample(dict(sorted(strata.items())), n, rng).values():
                chosen.extend(rooms)
        chosen.sort()
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                name=(name or "").strip() or _("%(q)s 业主满意度调查") % {"q": quarter},
                quarter=quarter,
                period_start=start,
                period_end=end,
                version=version,
                sampling=sampling_mode,
                confidence=confidence,
                margin_points=margin_points,
                population=len(homes),
                sample_size=len(chosen),
                auto_created=auto,
                created_by=by if getattr(by, "is_authenticated", False) else None,
            )
            campaign.communities.set(communities)
            if specialists:
                campaign.specialists.set(specialists)
            _make_invitations(campaign, [(r, homes[r]) for r in chosen], ids)
            audit_record(
                actor=by,
                action=AuditAction.CREATE,
                obj=campaign,
                changes={"invitations": [None, len(chosen)], "quarter": [None, quarter]},
            )
    except IntegrityError as error:
        # Two creators raced for the same quarter: the unique key let one through.
        raise _invalid(
            "quarter", _("调查期 %(q)s 已有调查活动。") % {"q": quarter}, "duplicate"
        ) from error
    return campaign


def _new_token_fields() -> dict:
    salt = secrets.token_hex(16)
    probe = Invitation(token_salt=salt)
    return {"token_salt": salt, "token_hash": Invitation.hash_token(probe.make_token())}


def _make_invitations(campaign, homes: list[tuple[int, dict]], community_ids_) -> None:
    callers = _specialists_for(campaign, community_ids_)
    turn: dict[int, int] = defaultdict(int)
    rows = []
    for room_id, home in homes:
        channel = SurveyChannel.EMAIL if home["email"] else SurveyChannel.PHONE
        assignee = None
        pool = callers.get(home["community"], [])
        if channel == SurveyChannel.PHONE and pool:
            # Round-robin within the community, so each caller's list stays local.
            assignee = pool[turn[home["community"]] % len(pool)]
            turn[home["community"]] += 1
        rows.append(
            Invitation(
                campaign=campaign,
                room_id=room_id,
                community_id=home["community"],
                building_id=home["building"],
                resident_id=home["resident"],
                channel=channel,
                assigned_to_id=assignee,
                **_new_token_fields(),
            )
        )
    Invitation.objects.bulk_create(rows, batch_size=500)


def campaign_open(*, by, campaign: Campaign, now=None) -> Campaign:
    """Start the survey: links live until survey_open_days from now; emails go out after
    the commit."""
    if by is not None and not has_post(by, *SURVEY_ADMIN_POSTS):
        raise PermissionDenied
    now = now or timezone.now()
    closes = now + dt.timedelta(days=policy().survey_open_days)
    with transaction.atomic():
        claimed = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.DRAFT).update(
            status=CampaignStatus.OPEN, opens_at=now, closes_at=closes
        )
        if not claimed:
            raise SurveyRefused("not_draft", _("只有草稿状态的调查活动可以开始。"))
        campaign.refresh_from_db()
        audit_record(
            actor=by, action=AuditAction.UPDATE, obj=campaign, changes={"status": ["draft", "open"]}
        )
        transaction.on_commit(lambda: _queue_invitation_mail(campaign.pk))
    return campaign


def _queue_invitation_mail(campaign_id: int) -> None:
    from wuyedesk.surveys.tasks import send_invitations_task

    send_invitations_task(campaign_id)


def campaign_close(*, by, campaign: Campaign, now=None) -> Campaign:
    if by is not None and not has_post(by, *SURVEY_ADMIN_POSTS):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        claimed = Campaign.objects.filter(
            pk=campaign.pk, status__in=[CampaignStatus.DRAFT, CampaignStatus.OPEN]
        ).update(status=CampaignStatus.CLOSED, closed_at=now)
        if not claimed:
            raise SurveyRefused("closed", _("调查活动已经结束。"))
        campaign.refresh_from_db()
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=campaign,
            changes={"status": ["open", "closed"]},
        )
    return campaign


def campaign_auto_create(*, today: dt.date | None = None) -> Campaign | None:
    """The periodic job: the period's campaign unless it exists, with the settings of the
    last campaign (all active communities, the newest published version of its
    questionnaire), opened at once. Two workers: the unique quarter lets one create it."""
    from wuyedesk.accounts.services import system_user

    settings_ = policy()
    today = today or timezone.localdate()
    key, _start, _end = period_of(today, settings_.survey_every_months)
    if Campaign.objects.filter(quarter=key).exists():
        return None
    last = Campaign.objects.order_by("-period_start", "-id").select_related("version").first()
    questionnaire_id = last.version.questionnaire_id if last else None
    versions = QuestionnaireVersion.objects.filter(published_at__isnull=False)
    if questionnaire_id:
        versions = versions.filter(questionnaire_id=questionnaire_id)
    version = versions.order_by("-published_at", "-number").first()
    communities = list(Community.objects.filter(archived_at__isnull=True))
    if version is None or not communities:
        return None
    try:
        campaign = campaign_create(
            by=system_user(),
            name="",
            version=version,
            communities=communities,
            quarter=key,
            sampling_mode=last.sampling if last else SamplingMode.SAMPLE,
            today=today,
            auto=True,
        )
    except ValidationError:
        return None  # another worker created it, or no households yet
    return campaign_open(by=None, campaign=campaign)


def close_expired(*, now=None) -> int:
    now = now or timezone.now()
    return Campaign.objects.filter(status=CampaignStatus.OPEN, closes_at__lte=now).update(
        status=CampaignStatus.CLOSED, closed_at=now
    )


# ---------------------------------------------------------------------------------------------
# Email channel


def invitation_link(invitation: Invitation) -> str:
    from django.conf import settings
    from django.urls import reverse

    return settings.SITE_URL.rstrip("/") + reverse(
        "surveys:answer_token", args=[invitation.make_token()]
    )


def unsubscribe_link(invitation: Invitation) -> str:
    from django.conf import settings
    from django.urls import reverse

    return settings.SITE_URL.rstrip("/") + reverse(
        "surveys:unsubscribe", args=[invitation.make_token()]
    )


def _send_invitation_mail(invitation: Invitation, *, reminder: bool) -> None:
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string

    context = {
        "invitation": invitation,
        "campaign": invitation.campaign,
        "link": invitation_link(invitation),
        "unsubscribe": unsubscribe_link(invitation),
        "reminder": reminder,
    }
    subject = render_to_string("surveys/invitation_subject.txt", context).strip()
    body = render_to_string("surveys/invitation_email.txt", context)
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.resident.email],
        headers={"List-Unsubscribe": f"<{context['unsubscribe']}>"},
    )
    message.send(fail_silently=False)


def send_invitations(campaign_id: int, *, now=None) -> int:
    """Mail every pending email invitation of an open campaign once (claimed one by one)."""
    now = now or timezone.now()
    sent = 0
    pending = Invitation.objects.filter(
        campaign_id=campaign_id,
        campaign__status=CampaignStatus.OPEN,
        channel=SurveyChannel.EMAIL,
        status=InvitationStatus.PENDING,
    ).values_list("pk", flat=True)
    for pk in list(pending):
        claimed = Invitation.objects.filter(pk=pk, status=InvitationStatus.PENDING).update(
            status=InvitationStatus.SENT, sent_at=now
        )
        if not claimed:
            continue
        invitation = Invitation.objects.select_related("campaign", "resident").get(pk=pk)
        try:
            _send_invitation_mail(invitation, reminder=False)
        except (OSError, smtplib.SMTPException):
            # The mail server is away: give the claim back so the hourly job sends it later.
            Invitation.objects.filter(pk=pk, status=InvitationStatus.SENT).update(
                status=InvitationStatus.PENDING, sent_at=None
            )
            log.warning("survey invitation %s not sent; will retry", pk)
            break
        sent += 1
    return sent


def send_pending_invitations(*, now=None) -> int:
    """The hourly retry: email invitations of open campaigns still waiting to go out."""
    campaign_ids = (
        Invitation.objects.filter(
            channel=SurveyChannel.EMAIL,
            status=InvitationStatus.PENDING,
            campaign__status=CampaignStatus.OPEN,
        )
        .values_list("campaign_id", flat=True)
        .distinct()
    )
    return sum(send_invitations(cid, now=now) for cid in list(campaign_ids))


def send_reminders(*, now=None) -> int:
    """Once per invitation, survey_reminder_days after it was sent, if still unanswered."""
    now = now or timezone.now()
    due = now - dt.timedelta(days=policy().survey_reminder_days)
    candidates = Invitation.objects.filter(
        channel=SurveyChannel.EMAIL,
        status=InvitationStatus.SENT,
        reminded_at__isnull=True,
        sent_at__lte=due,
        campaign__status=CampaignStatus.OPEN,
        campaign__closes_at__gt=now,
    ).values_list("pk", flat=True)[:2000]
    count = 0
    for pk in list(candidates):
        claimed = Invitation.objects.filter(
            pk=pk, status=InvitationStatus.SENT, reminded_at__isnull=True
        ).update(status=InvitationStatus.REMINDED, reminded_at=now)
        if not claimed:
            continue
        invitation = Invitation.objects.select_related("campaign", "resident").get(pk=pk)
        try:
            _send_invitation_mail(invitation, reminder=True)
        except (OSError, smtplib.SMTPException):
            Invitation.objects.filter(pk=pk, status=InvitationStatus.REMINDED).update(
                status=InvitationStatus.SENT, reminded_at=None
            )
            log.warning("survey reminder %s not sent; will retry", pk)
            break
        count += 1
    return count


def survey_link_check(request) -> None:
    """Count one request to the anonymous survey link (page or API) of this client address,
    before any token is looked up; `Throttled` over the company's `rate_survey_link`
    (#11 point 2: nobody tries tokens, or floods answers, from one address)."""
    throttle(request, group="survey-link", rate=company_get().rate_survey_link)


def invitation_by_token(raw: str) -> Invitation:
    """The invitation of a link token, or SurveyRefused (unknown, used, expired)."""
    raw = (raw or "").strip()
    invitation = None
    if 20 <= len(raw) <= 80:
        invitation = (
            Invitation.objects.filter(token_hash=Invitation.hash_token(raw))
            .select_related("campaign__version", "room__unit__building__community", "resident")
            .first()
        )
    if invitation is None:
        raise SurveyRefused("token_invalid", _("链接无效,请检查邮件中的链接。"), status=404)
    check_answerable(invitation)
    return invitation


def check_answerable(invitation: Invitation, *, now=None) -> None:
    now = now or timezone.now()
    campaign = invitation.campaign
    if invitation.status == InvitationStatus.COMPLETED:
        raise SurveyRefused(
            "already_completed", _("这份问卷已经提交过了,感谢您的参与。每户只能提交一次。")
        )
    if invitation.status == InvitationStatus.OPTED_OUT:
        raise SurveyRefused("opted_out", _("该住户已退订满意度调查。"))
    if invitation.status not in ANSWERABLE:
        raise SurveyRefused("closed", _("这份问卷已结束,不能再作答。"))
    if campaign.status != CampaignStatus.OPEN or (
        campaign.closes_at is not None and campaign.closes_at <= now
    ):
        raise SurveyRefused("expired", _("本次调查已经结束,链接已失效。"), status=410)


def _checked_text(field: str, value: str, limit: int) -> str:
    """Free text as a person types it (lib/text.py) and within its limit, or a 422 naming it."""
    cleaned = text_rule.clean_text((value or "").strip())
    if cleaned is None:
        raise _invalid(field, text_rule.MESSAGE, text_rule.CODE)
    if len(cleaned) > limit:
        raise _invalid(field, _("最多 %(n)s 个字。") % {"n": limit}, "too_long")
    return cleaned


def opt_out(*, invitation: Invitation, reason: str = "", by=None) -> OptOut:
    """The household asks not to be surveyed again; its open invitations end."""
    reason = _checked_text("reason", reason, OptOut._meta.get_field("reason").max_length)
    with transaction.atomic():
        record, _created = OptOut.objects.get_or_create(
            room_id=invitation.room_id,
            defaults={
                "resident_id": invitation.resident_id,
                "reason": reason,
                "by": by if getattr(by, "is_authenticated", False) else None,
            },
        )
        Invitation.objects.filter(room_id=invitation.room_id, status__in=ANSWERABLE).update(
            status=InvitationStatus.OPTED_OUT
        )
    return record


# ---------------------------------------------------------------------------------------------
# Answers


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


def resident_may_answer(user, invitation: Invitation) -> bool:
    return (
        getattr(user, "is_resident", False)
        and Occupancy.objects.filter(
            resident_id=user.resident_id, room_id=invitation.room_id, move_out__isnull=True
        ).exists()
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
    notes = _checked_text("notes", notes, CallAttempt._meta.get_field("notes").max_length)
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
        raise _invalid("outcome", _("完成访问请录入答案后提交。"), "answers_required")
    if outcome not in CallOutcome.values:
        raise _invalid("outcome", _("拨打结果无效。"), "invalid_choice")
    if outcome == CallOutcome.CALL_BACK:
        if call_back_at is None:
            raise _invalid("call_back_at", _("请填写约定回拨时间。"), "required")
        if call_back_at <= now:
            raise _invalid("call_back_at", _("约定回拨时间应晚于现在。"), "past")
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
    invitation.attempts, invitation.status, invitation.call_back_at = attempts, status, call_back_at
    return attempt


def invitation_assign(*, by, invitation: Invitation, staff: Staff | None) -> Invitation:
    if not has_post(by, *SURVEY_ADMIN_POSTS):
        raise PermissionDenied
    require_community(by, invitation.community_id)
    if staff is not None:
        if staff.archived_at is not None:
            # An archived person gets no call list (the API also looks up active staff only).
            raise _invalid("assigned_to", _("找不到该员工。"), "invalid_choice")
        ids = set(staff.communities.values_list("pk", flat=True))
        if invitation.community_id not in ids:
            raise _invalid("assigned_to", _("该专员不负责这个小区。"), "out_of_scope")
    Invitation.objects.filter(pk=invitation.pk).update(assigned_to=staff)
    invitation.assigned_to = staff
    return invitation
