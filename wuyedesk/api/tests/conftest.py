import pytest

from wuyedesk.tickets.tests.conftest import call  # noqa: F401  (shared fixture)


@pytest.fixture
def categories(world):
    """The demo category tree, by code."""
    from wuyedesk.tickets.defaults import load_categories

    return load_categories()
