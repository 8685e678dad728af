"""The OpenAPI document names each schema once, so every operation points at what it returns.

ninja publishes a schema under its class name and a second class of the same name silently
replaces the first in `components` (the portal's ticket once described the staff's
GET /tickets/{pk}). These tests walk every operation's input and answer types and fail when
two different classes would be published under one name.
"""

import enum
import typing
from collections import defaultdict

from pydantic import BaseModel

from wuyedesk.api.main import api
from wuyedesk.api.tests.checks import undeclared


def _published_types() -> set[type]:
    """Every model and enum an operation of the API reads or answers with, nested ones too."""
    found: set[type] = set()

    def walk(annotation):
        if isinstance(annotation, type) and issubclass(annotation, BaseModel | enum.Enum):
            if annotation in found:
                return
            found.add(annotation)
            if issubclass(annotation, BaseModel):
                for field in annotation.model_fields.values():
                    walk(field.annotation)
            return
        for argument in typing.get_args(annotation):
            walk(argument)

    # ninja's routers as the OpenAPI document itself walks them (nested routers included).
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.response_models.values():
                    walk(model)
                for model in operation.models:
                    walk(model)
    return found


def _name_clashes(types) -> dict[str, list[str]]:
    by_name = defaultdict(set)
    for kind in types:
        by_name[kind.__name__].add(f"{kind.__module__}.{kind.__qualname__}")
    return {name: sorted(where) for name, where in by_name.items() if len(where) > 1}


def test_the_walk_sees_the_operations_schemas():
    published = {kind.__name__ for kind in _published_types()}
    # Staff and portal answers, a nested router's input (portal staff), an enum.
    assert {"TicketDetailOut", "PortalTicketDetailOut", "SignupDecisionIn", "Kind"} <= published


def test_no_two_schema_classes_share_a_name():
    assert _name_clashes(_published_types()) == {}


def test_a_clash_would_be_found():
    first = type("TicketOut", (BaseModel,), {"__module__": "somewhere"})
    assert _name_clashes({*_published_types(), first}) == {
        "TicketOut": ["somewhere.TicketOut", "wuyedesk.tickets.schemas.TicketOut"]
    }


def test_every_component_comes_from_a_walked_class():
    """The walk misses no operation: each component is the name of a class it found."""
    components = api.get_openapi_schema()["components"]["schemas"]
    assert set(components) <= {kind.__name__ for kind in _published_types()}


def test_the_staff_ticket_is_described_by_its_own_schema():
    document = api.get_openapi_schema()
    components = document["components"]["schemas"]

    def answer(path, method="get", status=200):
        schema = document["paths"][path][method]["responses"][status]["content"]
        return schema["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]

    assert answer("/api/v1/tickets/{pk}") == "TicketDetailOut"
    assert answer("/api/v1/tickets/{pk}/transfer", "post") == "TicketDetailOut"
    assert answer("/api/v1/portal/tickets/{pk}") == "PortalTicketDetailOut"
    staff = components["TicketDetailOut"]
    assert {"version", "dispatches", "measures", "clocks", "timeline"} <= set(staff["properties"])
    assert "409" in staff["properties"]["version"]["description"]
    assert "may_reply" in components["PortalTicketDetailOut"]["properties"]


def test_an_undeclared_field_would_be_found():
    """The schemathesis runs' stricter check (checks.no_undeclared_field) at work."""
    components = api.get_openapi_schema()["components"]["schemas"]
    page = {"$ref": "#/components/schemas/TicketPage"}
    leaky = {
        "items": [{"id": 1, "secret": 2, "owner": {"staff_id": 1, "name": "王", "phone": "1"}}],
        "next_cursor": None,
    }
    assert undeclared(leaky, page, components) == [".items[0].secret", ".items[0].owner.phone"]
    assert (
        undeclared({"items": [{"id": 1, "owner": None}], "next_cursor": 3}, page, components) == []
    )
    event = {"$ref": "#/components/schemas/EventOut"}
    assert undeclared({"id": 1, "data": {"any": "thing"}}, event, components) == []
