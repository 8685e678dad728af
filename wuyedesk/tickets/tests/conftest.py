import pytest


@pytest.fixture
def categories(world):
    from wuyedesk.tickets.defaults import load_categories

    return load_categories()


@pytest.fixture
def call(world, categories):
    """call(kind=..., **fields) -> a ticket taken by the specialist of community A."""
    from wuyedesk.tickets.services import ticket_create

    def take(**fields):
        data = {
            "by": world.specialist,
            "kind": "inquiry",
            "channel": "phone",
            "category": categories["UTILITY"],
            "title": "",
            "description": "卫生间漏水,楼下天花板在滴水",
            "resident": world.resident_a,
            "room": world.rooms_a[0],
        }
        data.update(fields)
        return ticket_create(**data)

    return take
