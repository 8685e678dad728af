import datetime as dt

import pytest
from django.apps import apps
from django.utils import timezone

from wuyedesk.surveys import defaults, services
from wuyedesk.testing import make_resident


@pytest.fixture
def version(db):
    """The demo questionnaire (shipped by a migration; rebuilt after flushing tests)."""
    return defaults.ensure_demo_questionnaire(
        apps.get_model, published_at=timezone.now() - dt.timedelta(days=1)
    )


def full_answers(version, **override) -> dict:
    """A complete valid answer set keyed q<pk>."""
    data = {}
    for q in version.questions.all():
        if q.kind == "rating_1_5":
            data[f"q{q.pk}"] = "4"
        elif q.kind == "nps_0_10":
            data[f"q{q.pk}"] = "9"
        elif q.kind == "single":
            data[f"q{q.pk}"] = q.choices[0]["value"]
        elif q.kind == "multiple":
            data[f"q{q.pk}"] = [q.choices[0]["value"]]
        else:
            data[f"q{q.pk}"] = "楼道清洁可以再勤快些"
    for code, value in override.items():
        q = version.questions.get(code=code)
        data[f"q{q.pk}"] = value
    return data


@pytest.fixture
def households(world):
    """Community A: room 0 the resident account (张伟, no email), room 1 with email,
    room 2 phone only. Community B: room 0 (李娜)."""
    world.resident_email = make_resident(
        world.rooms_a[1], name="王芳", phone="13700000001", email="wangfang@example.cn"
    )
    world.resident_phone = make_resident(world.rooms_a[2], name="赵敏", phone="13700000002")
    return world


@pytest.fixture
def campaign(households, version, smtp, django_capture_on_commit_callbacks):
    """An open campaign of both communities (all households), created by the admin; its
    email invitations went to the SMTP sink."""
    world = households
    made = services.campaign_create(
        by=world.admin,
        name="2026Q4 满意度调查",
        version=version,
        communities=[world.a, world.b],
        quarter="2026Q4",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_open(by=world.admin, campaign=made)
    made.refresh_from_db()
    return made


def subject(message) -> str:
    from email.header import decode_header, make_header

    return str(make_header(decode_header(message["Subject"])))


def body(message) -> str:
    part = message.get_payload(decode=True)
    return part.decode(message.get_content_charset() or "utf-8")
