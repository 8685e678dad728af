import shutil
import tempfile
from pathlib import Path

import pytest


@pytest.fixture
def categories(world):
    from wuyedesk.tickets.defaults import load_categories

    return load_categories()


@pytest.fixture
def imap(settings):
    """A real Dovecot IMAP server on 127.0.0.1 with one empty mailbox; the product's mail
    settings point at it. Yields the server (`.append(raw)` delivers a mail)."""
    from wuyedesk.testing_imap import start_dovecot

    directory = Path(tempfile.mkdtemp(prefix="wuyedesk-imap-"))
    directory.chmod(0o755)  # the mail process runs as an unprivileged user
    server = start_dovecot(directory)
    settings.MAIL_IMAP_HOST, settings.MAIL_IMAP_PORT = server.host, server.port
    settings.MAIL_IMAP_SECURITY = "none"
    settings.MAIL_IMAP_USER, settings.MAIL_IMAP_PASSWORD = server.user, server.password
    settings.MAIL_IMAP_FOLDER = "INBOX"
    settings.MAIL_IMAP_DONE_FOLDER = ""
    settings.MAIL_FROM = server.user
    yield server
    server.stop()
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def mail_world(world, categories, settings):
    """The world with resident A's email on record and the mail category."""
    world.resident_a.email = "Zhang.Wei@Example.com"
    world.resident_a.save(update_fields=["email"])
    settings.MAIL_DEFAULT_COMMUNITY = ""
    return world


@pytest.fixture
def assistant_b(world):
    from wuyedesk.accounts.choices import Post
    from wuyedesk.testing import make_staff

    return make_staff("assistant_b", [Post.ASSISTANT], [world.b], name="B助理")


@pytest.fixture
def deliver(mail_world, django_capture_on_commit_callbacks):
    """deliver(raw) -> the InboundMail: received as the poller receives it, after-commit work
    (the acknowledgement) run. For tests of the pages; the IMAP path has its own tests."""
    from wuyedesk.mailbox import inbound

    def run(raw):
        with django_capture_on_commit_callbacks(execute=True):
            return inbound.receive(raw)

    return run
