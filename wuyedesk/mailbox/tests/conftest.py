import pytest


@pytest.fixture
def categories(world):
    from wuyedesk.tickets.defaults import load_categories

    return load_categories()
