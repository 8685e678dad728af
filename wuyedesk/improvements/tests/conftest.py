import datetime as dt

import pytest
from django.utils import timezone

from wuyedesk.tickets.tests.conftest import call, categories  # noqa: F401  (shared fixtures)


@pytest.fixture
def soon():
    return timezone.localdate() + dt.timedelta(days=10)


@pytest.fixture
def item(world, soon):
    """An inspection finding in community A for engineering, owned by the worker."""
    from wuyedesk.improvements.services import item_create

    return item_create(
        by=world.manager,
        title="地下车库照明不足",
        source="inspection",
        department=world.engineering,
        community=world.a,
        owner=world.worker,
        measures="更换车库 B2 层灯具",
        due=soon,
    )


@pytest.fixture
def decided(world, call, categories, soon):  # noqa: F811
    """A complaint decided with one corrective measure for engineering (→ one item)."""
    from wuyedesk.tickets.services import ticket_decide

    ticket = call(kind="complaint", category=categories["ATTITUDE"])
    ticket_decide(
        by=world.manager,
        ticket=ticket,
        decision="加强培训",
        measures=[{"what": "维修人员服务规范培训", "department": world.engineering, "due": soon}],
    )
    return ticket
