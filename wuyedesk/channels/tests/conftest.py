import pytest

from wuyedesk.testing import PASSWORD

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HTML = b"<html><script>alert(1)</script></html>"
PDF = b"%PDF-1.7\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def categories(world):
    from wuyedesk.tickets.defaults import load_categories

    return load_categories()


@pytest.fixture
def neighbour(world):
    """A second resident with an account, in the same building as resident_a (rooms_a[1])."""
    from wuyedesk.accounts.choices import UserKind
    from wuyedesk.accounts.models import User
    from wuyedesk.testing import make_resident

    resident = make_resident(world.rooms_a[1], name="王芳", phone="13700001111")
    return User.objects.create_user(
        username="resident-neighbour",
        password=PASSWORD,
        kind=UserKind.RESIDENT,
        resident=resident,
        email="wangfang@example.com",
    )


@pytest.fixture
def portal_as(client):
    """portal_as(resident_user) -> a test client logged in to the portal."""

    def login(user):
        client.force_login(user, backend="wuyedesk.accounts.backends.ResidentPhoneBackend")
        return client

    return login


@pytest.fixture
def submitted(world, categories):
    """submitted(**fields) -> a ticket resident_a submitted through the portal service."""
    from wuyedesk.channels.services import portal_submit

    def make(by=None, **fields):
        data = {
            "by": by or world.resident,
            "kind": "complaint",
            "category": categories["NOISE"],
            "title": "楼上夜间噪音",
            "description": "每晚十一点后楼上有拖动家具的声音",
            "room": world.rooms_a[0],
        }
        data.update(fields)
        return portal_submit(**data)

    return make


def answer(world, ticket, text="您好,已联系楼上住户,请留意。"):
    """The desk sends the customer a message (a public MESSAGE event)."""
    from wuyedesk.tickets.services import ticket_comment

    return ticket_comment(by=world.specialist, ticket=ticket, text=text, public=True)


@pytest.fixture
def sms_gateway(settings):
    """A real SMS gateway on 127.0.0.1 (wuyedesk/testing_gateway.py), configured as the
    company's NOTIFY_WEBHOOK_URL; the sign-up's codes are read from what it received."""
    from wuyedesk.testing_gateway import Gateway

    gateway = Gateway()
    settings.NOTIFY_WEBHOOK_URL = gateway.url
    settings.NOTIFY_WEBHOOK_SECRET = gateway.secret
    settings.NOTIFY_WEBHOOK_TIMEOUT = 5
    yield gateway
    gateway.stop()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a service queues for after its commit (the SMS, the notices), as in production."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def zhao(world):
    """A resident on record in rooms_a[2] with no portal account yet."""
    from wuyedesk.testing import make_resident

    return make_resident(world.rooms_a[2], name="赵敏", phone="13900002222")
