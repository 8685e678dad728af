"""The request id, and what every log record carries (#17 point 5).

Every request gets an id (core/observability.py): a trusted proxy's `X-Request-ID` when it
is well formed, otherwise a new one. It is held in a context variable for the request's
thread, returned in the `X-Request-ID` header, carried into the huey tasks the request
enqueues, and `install_record_factory` puts it on every log record (`request_id`), so the JSON logs
of the web process and of the worker can be joined on it.

`PersonalDataFilter` is the last guard of PIPL in the logs: a mainland mobile number or ID
number that some message still carries is masked before the record is written (the code
logs none on purpose; docs/operations.md, "Personal data").
"""

import contextvars
import logging
import re
import uuid

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

# nginx's $request_id is 32 hex digits; other proxies send a UUID or similar tokens.
_VALID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,63}$")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_ID_NUMBER = re.compile(r"(?<![\dA-Za-z])(\d{3})\d{11}(\d{3}[\dXx])(?![\dA-Za-z])")


def new_request_id() -> str:
    return uuid.uuid4().hex


def valid_request_id(value: str | None) -> bool:
    return bool(value) and bool(_VALID.match(value))


def current_request_id() -> str:
    return request_id_var.get()


def mask_personal(text: str) -> str:
    """Mobile and ID numbers in free text, masked as the pages mask them (138****5678)."""
    text = _MOBILE.sub(r"\1****\2", text)
    return _ID_NUMBER.sub(lambda m: m.group(1) + "*" * 11 + m.group(2), text)


def install_record_factory() -> None:
    """Every log record, whatever handler writes it, gets `request_id`: the current
    request's or task's, or "-". Installed once per process (core/apps.py)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "wuyedesk_request_id", False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        record.request_id = request_id_var.get() or "-"
        return record

    factory.wuyedesk_request_id = True
    logging.setLogRecordFactory(factory)


class PersonalDataFilter(logging.Filter):
    """Masks mobile and ID numbers in the message (with its arguments) before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: let the handler report it as usual
            return True
        masked = mask_personal(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
