"""Survey answers for the analysis and report tests, written straight into the survey tables
(the surveys app's own services are tested in its tests; here only the answers matter)."""

import datetime as dt

from wuyedesk.properties.models import Department


def version():
    """The shipped questionnaire's first version. A data migration makes it, but a browser
    test's database is flushed between tests, so it is made again when missing."""
    from django.apps import apps

    from wuyedesk.surveys import defaults

    return defaults.ensure_demo_questionnaire(
        apps.get_model, published_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )


def cleaning_department(world):
    """环境部, answerable for 环境卫生 (the world has no such department of its own)."""
    from wuyedesk.surveys.models import Dimension

    version()  # the dimensions come with the questionnaire
    dept = Department.objects.create(code="HJ", name="环境部")
    dept.communities.set([world.a, world.b])
    Dimension.objects.filter(code="cleaning").update(department=dept)
    return dept


def campaign(quarter: str, start: dt.date, communities, status="closed"):
    from wuyedesk.surveys.models import Campaign

    end = (start.replace(day=1) + dt.timedelta(days=92)).replace(day=1) - dt.timedelta(days=1)
    made = Campaign.objects.create(
        name=f"{quarter} 满意度调查",
        quarter=quarter,
        period_start=start,
        period_end=end,
        version=version(),
        status=status,
    )
    made.communities.set(communities)
    return made


def answer(campaign, room, *, overall, nps, dims: dict, text="", resident=None):
    """One household's response: overall 1–5, nps 0–10, {dimension code: 1–5}, free text."""
    from wuyedesk.surveys.models import Answer, Invitation, Question, Response

    invitation = Invitation.objects.create(
        campaign=campaign, room=room, channel="phone", status="completed", resident=resident
    )
    response = Response.objects.create(
        invitation=invitation,
        campaign=campaign,
        community_id=room.community_id,
        building_id=room.building_id,
        room=room,
        version=campaign.version,
        channel="phone",
        respondent=resident,
    )
    questions = {q.code: q for q in Question.objects.filter(version=campaign.version)}
    rows = [
        Answer(response=response, question=questions["overall"], value_int=overall),
        Answer(response=response, question=questions["nps"], value_int=nps),
        *[
            Answer(response=response, question=questions[f"dim_{code}"], value_int=score)
            for code, score in dims.items()
        ],
    ]
    if text:
        rows.append(Answer(response=response, question=questions["suggestion"], value_text=text))
    Answer.objects.bulk_create(rows)
    return response
