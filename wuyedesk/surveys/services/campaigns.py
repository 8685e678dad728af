"""Campaigns: the sampling calculator, creating one with its invitations, opening and
closing it, and the periodic campaign."""

import datetime as dt
import random
import secrets
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import require_community
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import Staff
from wuyedesk.accounts.services import system_user
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.core import versions
from wuyedesk.policies.services import policy
from wuyedesk.properties.choices import OccupancyRole
from wuyedesk.properties.models import Community, Occupancy
from wuyedesk.surveys import sampling
from wuyedesk.surveys.choices import (
    CampaignStatus,
    SamplingMode,
    SurveyChannel,
)
from wuyedesk.surveys.models import (
    Campaign,
    Invitation,
    OptOut,
    QuestionnaireVersion,
)
from wuyedesk.surveys.selectors import VERSION, specialists_in_scope
from wuyedesk.surveys.services.common import SurveyRefused, invalid, require_survey_admin
from wuyedesk.surveys.services.invitations import send_invitations_task


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
        raise invalid("specialists", _("找不到该员工。"), "invalid_choice")
    allowed = list(specialists_in_scope(None if auto else by).filter(pk__in=wanted))
    if len(allowed) != len(wanted):
        raise invalid("specialists", _("只能选择您负责小区的在职客服专员。"), "out_of_scope")
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
    if not auto:
        require_survey_admin(by)
    communities = list(communities)
    if not communities:
        raise invalid("communities", _("请至少选择一个小区。"), "required")
    if not auto:
        for community in communities:
            require_community(by, community.pk)
    if version.published_at is None:
        raise invalid("version", _("只能使用已发布的问卷版本。"), "not_published")
    if sampling_mode not in SamplingMode.values:
        raise invalid("sampling", _("调查范围无效。"), "invalid_choice")
    confidence = int(confidence or settings_.survey_confidence)
    if confidence not in sampling.Z_VALUES:
        raise invalid("confidence", _("置信度只能是 90、95 或 99。"), "invalid_choice")
    margin_points = int(margin_points or settings_.survey_margin_points)
    if not 1 <= margin_points <= 20:
        raise invalid("margin_points", _("允许误差应在 1 到 20 个百分点之间。"), "range")
    specialists = _check_specialists(by, specialists, auto=auto)
    today = today or timezone.localdate()
    key, start, end = period_of(today, settings_.survey_every_months)
    quarter = (quarter or key).strip()
    if Campaign.objects.filter(quarter=quarter).exists():
        raise invalid("quarter", _("调查期 %(q)s 已有调查活动。") % {"q": quarter}, "duplicate")
    ids = [c.pk for c in communities]
    homes = households(ids)
    if not homes:
        raise invalid("communities", _("所选小区没有在住的住户。"), "empty")
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
        raise invalid(
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
    versions.bump(VERSION)  # the homes' survey figures (a bulk insert sends no signal)


def campaign_open(*, by, campaign: Campaign, now=None) -> Campaign:
    """Start the survey: links live until survey_open_days from now; emails go out after
    the commit."""
    if by is not None:  # None: the periodic job
        require_survey_admin(by)
    now = now or timezone.now()
    closes = now + dt.timedelta(days=policy().survey_open_days)
    with transaction.atomic():
        claimed = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.DRAFT).update(
            status=CampaignStatus.OPEN, opens_at=now, closes_at=closes
        )
        if not claimed:
            raise SurveyRefused("not_draft", _("只有草稿状态的调查活动可以开始。"))
        versions.bump(VERSION)  # the homes' survey figures (an update sends no signal)
        campaign.refresh_from_db()
        audit_record(
            actor=by, action=AuditAction.UPDATE, obj=campaign, changes={"status": ["draft", "open"]}
        )
        transaction.on_commit(lambda: send_invitations_task(campaign.pk))
    return campaign


def campaign_close(*, by, campaign: Campaign, now=None) -> Campaign:
    if by is not None:  # None: the periodic job
        require_survey_admin(by)
    now = now or timezone.now()
    with transaction.atomic():
        claimed = Campaign.objects.filter(
            pk=campaign.pk, status__in=[CampaignStatus.DRAFT, CampaignStatus.OPEN]
        ).update(status=CampaignStatus.CLOSED, closed_at=now)
        if not claimed:
            raise SurveyRefused("closed", _("调查活动已经结束。"))
        versions.bump(VERSION)  # the homes' survey figures (an update sends no signal)
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
    closed = Campaign.objects.filter(status=CampaignStatus.OPEN, closes_at__lte=now).update(
        status=CampaignStatus.CLOSED, closed_at=now
    )
    if closed:
        versions.bump(VERSION)  # the homes' survey figures (an update sends no signal)
    return closed
