"""What every API request's input passes through before any schema sees it (#11 point 8).

django-ninja hands every JSON body, query string and form body of every operation to the
API's parser, so this is the one place where the API holds the text rule of lib/text.py:
CRLF becomes LF, and a string (or a dictionary key, or an uploaded file's name) with another
control character answers 422 naming where it is ("field": "answers.Q1", "items.0.text").
A body sent to a JSON operation as anything but JSON answers 415.
"""

import json

from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from wuyedesk.lib import text

JSON_TYPES = ("application/json",)


class CleanTextParser(Parser):
    def parse_body(self, request):
        content_type = (request.content_type or "").lower()
        if content_type not in JSON_TYPES and not content_type.endswith("+json"):
            raise HttpError(415, _("请求体应为 JSON(Content-Type: application/json)。"))
        return _checked(json.loads(request.body), "body")

    def parse_querydict(self, data, list_fields, request):
        values = super().parse_querydict(data, list_fields, request)
        names = {
            key: [getattr(item, "name", item) for item in value]
            if isinstance(value, list)
            else getattr(value, "name", value)
            for key, value in values.items()
        }
        _raise_if_bad(names, "form" if data is not request.GET else "query")
        return text.normalized(values)


def _checked(data, source: str):
    _raise_if_bad(data, source)
    return text.normalized(data)


def _raise_if_bad(data, source: str) -> None:
    errors = [
        {"loc": (source, *path), "type": text.CODE, "msg": str(text.MESSAGE)}
        for path in text.bad_paths(data)
    ]
    if errors:
        raise NinjaValidationError(errors)
