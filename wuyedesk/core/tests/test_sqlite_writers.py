"""core/sqlite: on SQLite, transactions queue on a lock file: a second writer waits for the
first to end (commit or rollback) and then goes on, instead of failing or polling."""

import threading
import time

import pytest
from django.db import connection, transaction

from wuyedesk.properties.models import Community

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")


def _writer(events: list, name: str, hold: threading.Event | None = None, fail=False):
    def run():
        try:
            with transaction.atomic():
                saw_first = Community.objects.filter(code="W-first").exists()
                events.append(f"{name} in" + (" (saw first)" if saw_first else ""))
                Community.objects.create(code=f"W-{name}", name=name)
                if hold is not None:
                    hold.wait(10)
                if fail:
                    raise RuntimeError("rolled back")
            events.append(f"{name} committed")
        except RuntimeError:
            events.append(f"{name} rolled back")
        finally:
            connection.close()

    return threading.Thread(target=run)


def _wait_for(events, entry):
    for _ in range(500):
        if entry in events:
            return
        time.sleep(0.01)
    raise AssertionError(f"never saw {entry!r}: {events}")


@pytest.mark.parametrize("first_fails", [False, True])
def test_a_second_writer_waits_for_the_first_to_end(first_fails):
    events, hold = [], threading.Event()
    first = _writer(events, "first", hold, fail=first_fails)
    first.start()
    _wait_for(events, "first in")
    second = _writer(events, "second")
    second.start()
    time.sleep(0.3)
    assert not any(e.startswith("second") for e in events)  # queued, not failing
    hold.set()
    first.join(10)
    second.join(10)
    # The second began only once the first had ended: it saw the first's row if committed.
    second_in = "second in" if first_fails else "second in (saw first)"
    ended = "first rolled back" if first_fails else "first committed"
    assert sorted(events) == sorted(["first in", ended, second_in, "second committed"])
    assert events.index("first in") < events.index(second_in)
    codes = set(Community.objects.filter(code__startswith="W-").values_list("code", flat=True))
    assert codes == ({"W-second"} if first_fails else {"W-first", "W-second"})


def test_the_lock_file_is_closed_with_the_connection():
    with transaction.atomic():
        Community.objects.create(code="W-close", name="close")
    lock_file = connection._writers
    assert lock_file is not None and not connection._writers_held
    connection.close()
    assert lock_file.closed and connection._writers is None
