"""Settings for the test suite: the production settings with test-only conveniences."""

import os
import tempfile

os.environ.setdefault("WUYEDESK_HOME", os.path.join(tempfile.gettempdir(), "wuyedesk-test"))
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")

from wuyedesk.settings import *  # noqa: F403

os.makedirs(os.environ["WUYEDESK_HOME"], exist_ok=True)  # the SQLite test database lives here

# Static files straight from the source tree: no collectstatic before tests.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
HUEY = {**HUEY, "immediate": True}  # noqa: F405
AXES_FAILURE_LIMIT = 5
# One process (the live server of the browser tests runs in threads of it); emptied
# before each test by conftest.py.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

if DATABASES["default"]["ENGINE"] == "wuyedesk.core.sqlite":  # noqa: F405
    # A file, not shared-cache memory: WAL, busy timeouts and locking behave as in production
    # (the concurrency tests need them).
    # One file per test run, so that runs side by side never share a database.
    test_name = os.path.join(os.environ["WUYEDESK_HOME"], f"test-{os.getpid()}.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": test_name}  # noqa: F405
