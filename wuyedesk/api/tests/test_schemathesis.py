"""Fuzzing every API operation from its OpenAPI schema: whatever is sent, no answer is a 5xx,
and every answer conforms to the schema the document gives it (response_schema_conformance)
with no field the document does not declare (checks.no_undeclared_field).

Schemathesis drives the WSGI app in-process with an administrator's token (who may call every
operation and sees every record) — except for the service desk, which the administrator may
read but not work: there the manager of community A calls, on records in several states.
Per operation it sends the schema's boundary values (coverage phase: the one that finds ids
too large for the database) and 15 Hypothesis examples (10 for the desk's many operations),
valid and invalid, derandomised so that a run is repeatable.
"""

import datetime as dt

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.config import SchemathesisConfig

from wuyedesk.accounts.services import token_create
from wuyedesk.api.tests.checks import no_undeclared_field

app = get_wsgi_application()
config = SchemathesisConfig.from_dict(
    {
        "phases": {
            "coverage": {
                # ninja's 405 for an undeclared method is not ours to test, and the coverage
                # phase's ~1400 schema-violating cases only ever meet pydantic: fuzzing sends
                # invalid input too, at a fraction of the time.
                "unexpected-methods": [],
                "generation": {"mode": "positive"},
            }
        }
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)


@schema.hook
def map_path_parameters(context, path_parameters):
    """Point every other generated id at a record of the test world, so writes get past the 404."""
    for name, pk in (path_parameters or {}).items():
        if name.endswith("pk") and isinstance(pk, int) and pk % 2 == 0:
            path_parameters[name] = pk % 3 + 1
    return path_parameters


@pytest.fixture
def keep_connection():
    """As Django's test client does: a finished request must not close the test's connection.

    The WSGI app runs in this thread, inside the test's transaction (rolled back afterwards,
    cheaper than transaction=True's flush); request_finished would otherwise close it.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _bearer(user) -> dict:
    _token, raw = token_create(user=user, name="schemathesis")
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def admin_headers(world, keep_connection):
    return _bearer(world.admin)


@pytest.fixture
def manager_headers(world, desk, keep_connection):
    return _bearer(world.manager)


@pytest.fixture
def desk(world, categories):
    """Tickets 1-3 of community A in different states, measure 1, incident 1, article 1,
    tasks 1-2: records every desk operation can find at the ids the hook above points to."""
    from wuyedesk.tickets import services
    from wuyedesk.tickets.assignments import services as tasks_services
    from wuyedesk.tickets.knowledge import services as knowledge

    manager = world.manager
    inquiry = services.ticket_create(
        by=manager,
        kind="inquiry",
        channel="phone",
        category=categories["UTILITY"],
        title="",
        description="卫生间漏水",
        resident=world.resident_a,
        room=world.rooms_a[0],
    )
    complaint = services.ticket_create(
        by=manager,
        kind="complaint",
        channel="phone",
        category=categories["ATTITUDE"],
        title="",
        description="保安态度差",
        severity="major",
        resident=world.resident_a,
        room=world.rooms_a[1],
    )
    services.ticket_transfer(by=manager, ticket=inquiry, department=world.engineering, note="修")
    services.ticket_investigate(
        by=manager, ticket=complaint, departments=[world.engineering], note="查"
    )
    for dispatch in complaint.dispatches.all():  # the findings a decision needs (CMP-3)
        services.dispatch_reply(by=manager, dispatch=dispatch, text="已查明")
    services.ticket_decide(
        by=manager,
        ticket=complaint,
        decision="培训",
        measures=[{"what": "培训", "department": world.engineering, "due": dt.date(2030, 1, 1)}],
    )
    third = services.ticket_create(
        by=manager,
        kind="repair",
        channel="api",
        category=categories["LIFT"],
        title="电梯停运",
        description="3号楼电梯停运",
        building=world.rooms_a[0].unit.building,
    )
    services.incident_create(by=manager, community=world.a, title="停电", tickets=[third])
    knowledge.load_demo_articles(by=manager)
    due = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    tasks_services.task_create(by=manager, assignee=manager, title="回电", due=due)
    tasks_services.task_create(by=manager, assignee=world.specialist, title="回访", due=due)


CHECKS = [not_a_server_error, response_schema_conformance, no_undeclared_field]
DESK_TAGS = ["tickets", "knowledge", "incidents", "tasks"]
BOUNDED = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": list(HealthCheck),
}


@pytest.mark.django_db
@schema.exclude(tag=DESK_TAGS).parametrize()
@settings(max_examples=15, **BOUNDED)
def test_no_operation_answers_with_a_server_error(case, admin_headers):
    case.call_and_validate(headers=admin_headers, checks=CHECKS)


@pytest.mark.django_db
@schema.include(tag=DESK_TAGS).parametrize()
@settings(max_examples=10, **BOUNDED)  # 33 operations: kept to a share of the suite's time
def test_no_service_desk_operation_answers_with_a_server_error(case, manager_headers):
    case.call_and_validate(headers=manager_headers, checks=CHECKS)
