"""Every API error is JSON {"code", "message", "field"}, with "errors" listing all of them."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from wuyedesk.core.form_errors import FormInvalid
from wuyedesk.lib.throttle import Throttled

# ninja raises HttpError without a code of its own, e.g. 400 for a body that is not JSON.
HTTP_ERROR_CODES = {
    400: "bad_request",
    404: "not_found",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "throttled",
}


def error_body(code: str, message: str, field: str | None = None, errors=None) -> dict:
    body = {"code": code, "message": str(message), "field": field}
    if errors is not None:
        body["errors"] = errors
    return body


def form_errors(form) -> list[dict]:
    items = []
    for field, errors in form.errors.as_data().items():
        for error in errors:
            items.append(
                {
                    "field": None if field == "__all__" else field,
                    "code": error.code or "invalid",
                    "message": " ".join(error.messages),
                }
            )
    return items


def install(api):
    @api.exception_handler(FormInvalid)
    def on_form_invalid(request, exc):
        items = form_errors(exc.form)
        first = (
            items[0] if items else {"code": "invalid", "message": _("输入无效。"), "field": None}
        )
        return api.create_response(
            request, error_body(first["code"], first["message"], first["field"], items), status=422
        )

    @api.exception_handler(NinjaValidationError)
    def on_validation(request, exc):
        items = []
        for error in exc.errors:
            loc = [
                str(part)
                for part in error.get("loc", ())
                if part not in ("body", "query", "path", "form", "file", "payload", "filters")
            ]
            items.append(
                {
                    "field": ".".join(loc) or None,
                    "code": error.get("type", "invalid"),
                    "message": error.get("msg", ""),
                }
            )
        first = items[0] if items else {"code": "invalid", "message": "", "field": None}
        return api.create_response(
            request, error_body(first["code"], first["message"], first["field"], items), status=422
        )

    @api.exception_handler(ValidationError)
    def on_django_validation(request, exc):
        if not hasattr(exc, "error_dict"):
            code = getattr(exc, "code", None) or "invalid"
            return api.create_response(
                request, error_body(code, " ".join(exc.messages), None), status=422
            )
        # A service's {field: error}: the first one answers, with its own code; all are listed.
        items = [
            {"field": field, "code": error.code or "invalid", "message": " ".join(error.messages)}
            for field, field_errors in exc.error_dict.items()
            for error in field_errors
        ]
        first = items[0]
        return api.create_response(
            request, error_body(first["code"], first["message"], first["field"], items), status=422
        )

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return api.create_response(request, error_body("not_found", _("不存在。")), status=404)

    @api.exception_handler(PermissionDenied)
    def on_denied(request, exc):
        return api.create_response(
            request, error_body("permission_denied", _("无权执行此操作。")), status=403
        )

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request, exc):
        return api.create_response(
            request, error_body("unauthorized", _("需要有效的访问令牌。")), status=401
        )

    @api.exception_handler(Throttled)
    def on_throttled(request, exc):
        body = error_body("throttled", exc.message) | {"retry_after": exc.retry_after}
        return exc.refuse(api.create_response(request, body, status=429))

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request, exc):
        # Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE (files aside).
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        message = _("请求体太大(上限 %(mb)s MB)。") % {"mb": limit}
        return api.create_response(request, error_body("too_large", message), status=413)

    @api.exception_handler(HttpError)
    def on_http_error(request, exc):
        # ninja turns whatever its body parser raised into a 400; the parser's own answers
        # (415, 422 for control characters: api/parser.py) are the cause, and stand.
        cause = exc.__cause__
        if isinstance(cause, HttpError | NinjaValidationError):
            return api.on_exception(request, cause)
        code = HTTP_ERROR_CODES.get(exc.status_code, "error")
        return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)
