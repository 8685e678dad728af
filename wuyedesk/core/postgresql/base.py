"""Django's PostgreSQL backend, loading timestamptz values with psycopg's C loader.

Django loads timestamptz through a Python subclass of psycopg's Python loader (to set the
time zone of each value), which parses every value in Python: ~10 µs a value, 2 ms of a
queue page and more of an API page of tickets with their clocks (bench/README.md). In UTC,
the session time zone Django sets, psycopg's C loader gives the same values
(tzinfo=datetime.timezone.utc) in well under a microsecond; each cursor gets it.
"""

import datetime

import psycopg
from django.db.backends.postgresql import base
from psycopg.pq import Format

_TIMESTAMPTZ = psycopg.adapters.types["timestamptz"].oid
_C_LOADER = psycopg.adapters.get_loader(_TIMESTAMPTZ, Format.TEXT)
_C_AVAILABLE = psycopg.pq.__impl__ != "python"


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name=None):
        cursor = super().create_cursor(name)
        if _C_AVAILABLE and self.timezone == datetime.UTC and self.timezone_name == "UTC":
            cursor.adapters.register_loader(_TIMESTAMPTZ, _C_LOADER)
        return cursor
