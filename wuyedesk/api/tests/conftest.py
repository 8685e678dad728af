import pytest


@pytest.fixture
def categories(world):
    """The demo category tree, by code."""
    from wuyedesk.tickets.defaults import load_categories

    return load_categories()
