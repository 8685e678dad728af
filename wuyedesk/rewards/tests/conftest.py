import pytest

from wuyedesk.rewards import services
from wuyedesk.tickets.tests.conftest import call, categories  # noqa: F401  (shared fixtures)


@pytest.fixture
def propose(world):
    """propose(kind, staff=specialist, by=manager, **fields) -> a proposal made through the
    service."""

    def make(kind="warning", staff=None, by=None, **fields):
        data = {"facts": "3 月 5 日未按时回访住户", "reason": "违反回访时限规定"} | fields
        return services.measure_propose(
            by=by or world.manager,
            staff=staff or world.specialist.staff,
            kind=kind,
            **data,
        )

    return make


@pytest.fixture
def effective(world, propose, django_capture_on_commit_callbacks):
    """A warning of the specialist, approved by the manager (in effect, notified)."""
    with django_capture_on_commit_callbacks(execute=True):
        measure = propose("warning")
        services.measure_approve(by=world.manager, measure=measure, remarks="同意")
    measure.refresh_from_db()
    return measure
