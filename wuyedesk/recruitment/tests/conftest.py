import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wuyedesk.recruitment import services

PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PHONE, ID_NUMBER = "13711112222", "11010519491231002X"


def pdf(name="张三-13711112222.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def opening(world):
    return services.opening_create(
        by=world.manager,
        title="客服专员(阳光花园)",
        post="specialist",
        communities=[world.a.pk],
        headcount=1,
        description="普通话标准",
    )


@pytest.fixture
def candidate(world, opening):
    return services.candidate_create(
        by=world.manager,
        opening=opening,
        name="张三",
        phone="137-1111-2222",
        id_number=ID_NUMBER.lower(),
        source="job_site",
        cv=pdf(),
        note="简历符合要求",
    )


@pytest.fixture
def offered(world, candidate):
    services.stage_record(
        by=world.manager,
        candidate=candidate,
        stage="interview",
        note="沟通清楚",
        interviewer_id=world.assistant.staff.pk,
        held_on=dt.date(2026, 12, 1),
    )
    return services.offer_make(
        by=world.manager,
        candidate=candidate,
        offer_date=dt.date(2026, 12, 3),
        start_date=dt.date(2026, 12, 15),
    )
