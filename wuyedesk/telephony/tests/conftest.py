import pytest

from wuyedesk.tickets.tests.conftest import call, categories  # noqa: F401  (shared fixtures)


@pytest.fixture
def pbx(world, client):
    """pbx.ring(...), pbx.end(...): the PBX's side, with a fresh integration token."""
    from wuyedesk.telephony.services import integration_create

    integration, raw = integration_create(by=world.admin, name="Asterisk", source="asterisk-hq")

    class Pbx:
        token = raw
        source = integration.source
        headers = {"Authorization": f"Bearer {raw}"}

        def ring(self, caller, extension="", call_id="c-1", **extra):
            body = {"caller": caller, "extension": extension, "call_id": call_id, **extra}
            return client.post(
                "/api/v1/telephony/calls",
                body,
                content_type="application/json",
                headers=self.headers,
            )

        def end(self, call_id="c-1", body=None):
            return client.post(
                f"/api/v1/telephony/calls/{call_id}/end",
                body if body is not None else {},
                content_type="application/json",
                headers=self.headers,
            )

    return Pbx()


@pytest.fixture
def ticket(call):  # noqa: F811  (the fixture `call`, by name)
    """ticket(**fields) -> a phone ticket of resident_a taken by the specialist (community A)."""
    return call
