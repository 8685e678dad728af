"""Fuzzing the portal API with a resident's token: whatever a mini-program sends, no answer is
a 5xx, and every answer conforms to the schema the OpenAPI document gives it, with no field
it does not declare (the names are unique: see api/tests/test_openapi.py).
api/tests/test_schemathesis.py fuzzes every operation with a staff token, which the resident
endpoints refuse at once; this goes past that door."""

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
    {"phases": {"coverage": {"unexpected-methods": [], "generation": {"mode": "positive"}}}}
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
IDS = {}


@schema.hook
def map_path_parameters(context, path_parameters):
    """Every other generated ticket id is the resident's own ticket, so actions get past 404."""
    for name, pk in (path_parameters or {}).items():
        if name == "pk" and isinstance(pk, int) and pk % 2 == 0 and "ticket" in IDS:
            path_parameters[name] = IDS["ticket"]
    return path_parameters


@pytest.fixture
def resident_headers(world, submitted):
    ticket = submitted()
    from wuyedesk.channels.tests.conftest import answer

    answer(world, ticket)
    IDS["ticket"] = ticket.pk
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    _token, raw = token_create(user=world.resident, name="fuzz")
    yield {"Authorization": f"Bearer {raw}"}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
    IDS.clear()


@pytest.mark.django_db
@schema.include(tag="portal").parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_portal_answer_is_documented_and_no_server_error(case, resident_headers):
    case.call_and_validate(
        headers=resident_headers,
        checks=[not_a_server_error, response_schema_conformance, no_undeclared_field],
    )
