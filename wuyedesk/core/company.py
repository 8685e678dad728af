"""The company settings row (`properties.Company`) for the layers below properties.

properties owns the model and registers its reader here in `PropertiesConfig.ready`; accounts
(login rates, two-factor posts, idle timeout) and audit (access-log retention) read the
settings through `company()` without importing the app above them.
"""

from collections.abc import Callable

_reader: Callable | None = None


def register(reader: Callable) -> None:
    global _reader
    _reader = reader


def company():
    """The company settings row (created with its defaults on first use)."""
    if _reader is None:
        raise RuntimeError("properties has not registered the company settings reader")
    return _reader()
