"""Demo survey data: four closed quarters and the current open one (`wuyedesk seed`).

Bounded whatever the size of the company: at most DEMO_COMMUNITIES communities and
PER_COMMUNITY households each per quarter (a few thousand answers in all). Deterministic:
one random.Random(seed), rows in a fixed order.

The story the report tells: the first community (C0001) scores clearly lower on 环境卫生
(cleaning) in the three earlier quarters and recovers in the last closed one, after the
improvement item the improvements seeding attaches to that finding.
"""

import datetime as dt
import random

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from wuyedesk.accounts.models import Staff
from wuyedesk.accounts.services import system_user
from wuyedesk.core import versions
from wuyedesk.policies.services import policy
from wuyedesk.properties.models import Community
from wuyedesk.surveys import defaults, sampling
from wuyedesk.surveys.choices import (
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
    Invitation,
    Response,
)
from wuyedesk.surveys.selectors import VERSION
from wuyedesk.surveys.services import households, period_of

DEMO_COMMUNITIES = 5
PER_COMMUNITY = 40
PAST_QUARTERS = 4
RESPONSE_RATE = 0.7
CURRENT_RESPONSE_RATE = 0.35

# Mean 1–5 score of each dimension company-wide; each community shifts it a little.
DIMENSION_MEANS = {
    "service": 4.1,
    "repair": 3.6,
    "security": 4.0,
    "cleaning": 3.9,
    "greening": 4.0,
    "parking": 3.3,
    "billing": 3.7,
}
COMMUNITY_SHIFT = [0.0, 0.25, -0.15, 0.1, -0.05]
# C0001's cleaning, quarter by quarter (oldest first): low, low, low, recovered.
WORST_CLEANING = [2.5, 2.4, 2.6, 3.8]
CURRENT_CLEANING = 3.9

SUGGESTIONS = {
    "cleaning": [
        "楼道垃圾清运不及时,夏天有异味。",
        "地下车库卫生太差,灰尘很多。",
        "垃圾桶周围经常很脏,希望每天清洗。",
        "电梯厅保洁次数太少。",
    ],
    "repair": [
        "报修后等了三天才有人来,希望快一点。",
        "电梯经常故障,维修要及时。",
        "维修师傅态度很好,但是零件要等很久。",
    ],
    "parking": [
        "停车位太少,晚上回来没地方停。",
        "外来车辆乱停,希望加强管理。",
    ],
    "security": ["夜间巡逻可以多一些。", "门禁经常坏,陌生人随便进。"],
    "greening": ["绿化修剪很及时,环境不错。", "草坪有些地方秃了,希望补种。"],
    "billing": ["物业费收费明细希望公开。", "希望可以在线缴费。"],
    "service": ["客服电话有时打不通。", "前台工作人员很热情,谢谢!"],
}


def _clip(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _quarters(today: dt.date, every: int, count: int) -> list[tuple[str, dt.date, dt.date]]:
    """The `count` periods before today's, oldest first, then today's."""
    periods = []
    day = today
    for _n in range(count + 1):
        key, start, end = period_of(day, every)
        periods.append((key, start, end))
        day = start - dt.timedelta(days=1)
    return list(reversed(periods))


def _aware(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _answers_for(rng, questions, *, community_index: int, cleaning_mean: float | None):
    shift = COMMUNITY_SHIFT[community_index % len(COMMUNITY_SHIFT)]
    mood = rng.gauss(0, 0.45)  # one household is happier than the next across the board
    dims = {}
    rows = []
    for q in questions:
        if q.kind == QuestionKind.RATING and q.dimension_id:
            code = q.dimension.code
            mean = DIMENSION_MEANS.get(code, 3.8) + shift
            if code == "cleaning" and cleaning_mean is not None:
                mean = cleaning_mean
            dims[code] = _clip(rng.gauss(mean + mood, 0.7), 1, 5)
            rows.append((q, dims[code], [], ""))
    average = sum(dims.values()) / max(1, len(dims))
    # Cleaning and repairs weigh most on how people feel overall.
    weighted = (
        0.4 * average + 0.35 * dims.get("cleaning", average) + 0.25 * dims.get("repair", average)
    )
    overall = _clip(rng.gauss(weighted, 0.4), 1, 5)
    worst = min(dims, key=lambda k: (dims[k], k)) if dims else None
    for q in questions:
        if q.is_overall:
            rows.append((q, overall, [], ""))
        elif q.kind == QuestionKind.NPS:
            rows.append((q, _clip(rng.gauss(overall * 2.1 - 0.5, 1.3), 0, 10), [], ""))
        elif q.kind == QuestionKind.SINGLE:
            weights = [0.45, 0.3, 0.15, 0.1][: len(q.choices)]
            pick = rng.choices([c["value"] for c in q.choices], weights=weights)[0]
            rows.append((q, None, [pick], ""))
        elif q.kind == QuestionKind.MULTIPLE:
            if rng.random() < 0.6 and worst is not None:
                values = {c["value"] for c in q.choices}
                picked = [worst] if worst in values else []
                if rng.random() < 0.4:
                    picked.append(rng.choice(sorted(values)))
                picked = sorted(set(picked))
                if picked:
                    rows.append((q, None, picked, ""))
        elif q.kind == QuestionKind.TEXT:
            unhappy = worst is not None and dims[worst] <= 2 and rng.random() < 0.7
            if unhappy or rng.random() < 0.35:
                theme = worst if worst in SUGGESTIONS and rng.random() < 0.75 else None
                theme = theme or rng.choice(sorted(SUGGESTIONS))
                rows.append((q, None, [], rng.choice(SUGGESTIONS[theme])))
    return rows


@transaction.atomic
def seed_demo(*, seed: int) -> dict[str, int]:
    if Campaign.objects.exists():
        return {}
    rng = random.Random(seed * 7919 + 5)  # noqa: S311  (demo data)
    settings_ = policy()
    version = defaults.ensure_demo_questionnaire(
        apps.get_model, published_at=timezone.now() - dt.timedelta(days=400)
    )
    defaults.link_departments(apps.get_model)
    questions = list(
        version.questions.select_related("dimension").order_by(
            "section__position", "position", "id"
        )
    )
    communities = list(Community.objects.filter(archived_at__isnull=True).order_by("code"))[
        :DEMO_COMMUNITIES
    ]
    if not communities:
        return {}
    homes = households([c.pk for c in communities])
    by_community: dict[int, dict[int, list[int]]] = {}
    for room_id in sorted(homes):
        home = homes[room_id]
        by_community.setdefault(home["community"], {}).setdefault(home["building"], []).append(
            room_id
        )
    callers: dict[int, list[Staff]] = {}
    for staff in (
        Staff.objects.filter(posts__post="specialist", archived_at__isnull=True)
        .prefetch_related("communities")
        .select_related("user")
        .order_by("employee_no")
    ):
        for community in staff.communities.all():
            callers.setdefault(community.pk, []).append(staff)
    creator = system_user()
    now = timezone.now()
    periods = _quarters(timezone.localdate(), settings_.survey_every_months, PAST_QUARTERS)
    counts = {"survey_campaigns": 0, "survey_invitations": 0, "survey_responses": 0}
    answers_total = 0
    for index, (key, start, end) in enumerate(periods):
        current = index == len(periods) - 1
        opens = _aware(start + dt.timedelta(days=4))
        if current:
            opens = min(opens, now - dt.timedelta(days=10))
        closes = opens + dt.timedelta(days=settings_.survey_open_days)
        if current:
            closes = max(closes, now + dt.timedelta(days=7))
        campaign = Campaign.objects.create(
            name=f"{key} 业主满意度调查",
            quarter=key,
            period_start=start,
            period_end=end,
            version=version,
            sampling=SamplingMode.SAMPLE,
            confidence=settings_.survey_confidence,
            margin_points=settings_.survey_margin_points,
            status=CampaignStatus.OPEN if current else CampaignStatus.CLOSED,
            opens_at=opens,
            closes_at=closes,
            closed_at=None if current else closes,
            auto_created=True,
            created_by=creator,
        )
        campaign.communities.set(communities)
        counts["survey_campaigns"] += 1
        invitations, plans = [], []
        population = 0
        for c_index, community in enumerate(communities):
            strata = by_community.get(community.pk, {})
            size = sum(len(v) for v in strata.values())
            population += size
            drawn = sampling.stratified_sample(strata, min(PER_COMMUNITY, size), rng)
            pool = callers.get(community.pk, [])
            turn = 0
            for room_id in sorted(r for rooms in drawn.values() for r in rooms):
                home = homes[room_id]
                channel = SurveyChannel.EMAIL if home["email"] else SurveyChannel.PHONE
                assignee = None
                if channel == SurveyChannel.PHONE and pool:
                    assignee = pool[turn % len(pool)]
                    turn += 1
                rate = CURRENT_RESPONSE_RATE if current else RESPONSE_RATE
                responds = rng.random() < rate
                cleaning = None
                if c_index == 0:
                    cleaning = CURRENT_CLEANING if current else WORST_CLEANING[index]
                salt = f"{rng.getrandbits(128):032x}"
                invitation = Invitation(
                    campaign=campaign,
                    room_id=room_id,
                    community_id=home["community"],
                    building_id=home["building"],
                    resident_id=home["resident"],
                    channel=channel,
                    assigned_to=assignee,
                    token_salt=salt,
                )
                invitation.token_hash = Invitation.hash_token(invitation.make_token())
                sent = opens + dt.timedelta(minutes=rng.randrange(60))
                answered = opens + dt.timedelta(
                    hours=rng.randrange(2, 24 * max(2, settings_.survey_open_days - 2))
                )
                if current:
                    answered = min(answered, now - dt.timedelta(hours=rng.randrange(1, 48)))
                if channel == SurveyChannel.EMAIL:
                    invitation.sent_at = sent
                if responds:
                    invitation.status = InvitationStatus.COMPLETED
                    invitation.completed_at = answered
                    invitation.attempts = 1 if channel == SurveyChannel.PHONE else 0
                elif current:
                    invitation.status = (
                        InvitationStatus.SENT
                        if channel == SurveyChannel.EMAIL
                        else InvitationStatus.PENDING
                    )
                elif channel == SurveyChannel.PHONE:
                    invitation.status = rng.choice(
                        [InvitationStatus.UNREACHABLE, InvitationStatus.REFUSED]
                    )
                    invitation.attempts = (
                        settings_.survey_phone_max_attempts
                        if invitation.status == InvitationStatus.UNREACHABLE
                        else 1
                    )
                else:
                    invitation.status = InvitationStatus.REMINDED
                    invitation.reminded_at = sent + dt.timedelta(
                        days=settings_.survey_reminder_days
                    )
                invitations.append(invitation)
                plans.append((invitation, responds, c_index, cleaning, answered))
        Invitation.objects.bulk_create(invitations, batch_size=500)
        versions.bump(VERSION)  # the homes' survey figures (a bulk insert sends no signal)
        Campaign.objects.filter(pk=campaign.pk).update(
            population=population, sample_size=len(invitations)
        )
        counts["survey_invitations"] += len(invitations)

        responses, answer_plans, calls = [], [], []
        for invitation, responds, c_index, cleaning, answered in plans:
            if invitation.channel == SurveyChannel.PHONE and invitation.assigned_to is not None:
                caller = invitation.assigned_to.user
                if responds:
                    calls.append(
                        CallAttempt(
                            invitation=invitation,
                            at=answered,
                            by=caller,
                            outcome=CallOutcome.COMPLETED,
                        )
                    )
                elif invitation.status == InvitationStatus.REFUSED:
                    calls.append(
                        CallAttempt(
                            invitation=invitation,
                            at=answered,
                            by=caller,
                            outcome=CallOutcome.REFUSED,
                        )
                    )
            if not responds:
                continue
            channel = invitation.channel
            if channel == SurveyChannel.EMAIL and rng.random() < 0.2:
                channel = SurveyChannel.PORTAL
            responses.append(
                Response(
                    invitation=invitation,
                    campaign=campaign,
                    community_id=invitation.community_id,
                    building_id=invitation.building_id,
                    room_id=invitation.room_id,
                    version=version,
                    channel=channel,
                    respondent_id=invitation.resident_id,
                    entered_by=(
                        invitation.assigned_to.user
                        if channel == SurveyChannel.PHONE and invitation.assigned_to
                        else None
                    ),
                    submitted_at=answered,
                )
            )
            answer_plans.append(
                _answers_for(rng, questions, community_index=c_index, cleaning_mean=cleaning)
            )
        Response.objects.bulk_create(responses, batch_size=500)
        CallAttempt.objects.bulk_create(calls, batch_size=500)
        answers = [
            Answer(
                response=response,
                question=q,
                value_int=number,
                value_choices=choices,
                value_text=text,
            )
            for response, rows in zip(responses, answer_plans, strict=True)
            for q, number, choices, text in rows
        ]
        Answer.objects.bulk_create(answers, batch_size=1000)
        counts["survey_responses"] += len(responses)
        answers_total += len(answers)
    counts["survey_answers"] = answers_total
    return counts
