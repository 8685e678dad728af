"""Django's SQLite backend, with writers queued on a lock file instead of polling.

SQLite lets one transaction write at a time. A process that finds the write lock taken
gets SQLITE_BUSY, and the busy timeout retries after sleeping 1, 2, 5, 10 … ms: with two
workers creating tickets, the waiting one slept through much of the other's 2 ms
transaction and the cores sat idle (bench/README.md). Here every transaction (they all
begin IMMEDIATE, taking the write lock at once) first takes an exclusive flock on
`<database>.writers`, which the kernel hands to the next waiter the moment it is released,
and releases it when the transaction ends. A process that dies loses its flock with it.
"""

import fcntl

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    # The lock file, open while the connection is; a file object, so that a wrapper dropped
    # without close() (a thread that ended) closes it, and the kernel releases its flock.
    _writers = None
    _writers_held = False

    def _start_transaction_under_autocommit(self):
        self._writers_acquire()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._writers_release()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._writers_release()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._writers_release()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._writers_release()
            if self._writers is not None:
                self._writers.close()
                self._writers = None

    def _writers_acquire(self):
        if self.is_in_memory_db():
            return
        if self._writers is None:
            path = f"{self.settings_dict['NAME']}.writers"
            self._writers = open(path, "ab")  # noqa: SIM115  (kept open with the connection)
        fcntl.flock(self._writers.fileno(), fcntl.LOCK_EX)
        self._writers_held = True

    def _writers_release(self):
        if self._writers_held:
            self._writers_held = False
            fcntl.flock(self._writers.fileno(), fcntl.LOCK_UN)
