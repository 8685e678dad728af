import pytest


@pytest.fixture(autouse=True)
def _english_off(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test's database starts over (and reuses ids), so must what pages keep."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def world(db):
    from wuyedesk.testing import build_world

    return build_world()


@pytest.fixture
def client_as(client):
    """client_as(user) -> a test client logged in as that user."""

    def login(user):
        client.force_login(user, backend="wuyedesk.accounts.backends.StaffBackend")
        return client

    return login


@pytest.fixture
def api_as(client):
    """api_as(user) -> a client that sends a fresh bearer token of that user."""
    from wuyedesk.accounts.services import token_create

    class ApiClient:
        def __init__(self, user):
            _token, raw = token_create(user=user, name="test")
            self.headers = {"Authorization": f"Bearer {raw}"}

        def get(self, path, **params):
            return client.get(path, params, headers=self.headers)

        def post(self, path, data=None):
            return client.post(
                path, data or {}, content_type="application/json", headers=self.headers
            )

        def put(self, path, data):
            return client.put(path, data, content_type="application/json", headers=self.headers)

        def patch(self, path, data):
            return client.patch(path, data, content_type="application/json", headers=self.headers)

        def delete(self, path):
            return client.delete(path, headers=self.headers)

    return ApiClient


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1; Django's mail goes to it. Yields its inbox."""
    from wuyedesk.testing_mail import start_smtp

    inbox, controller = start_smtp(settings)
    yield inbox
    controller.stop()
