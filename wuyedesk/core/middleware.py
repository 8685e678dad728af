from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from wuyedesk.core.errors import throttled
from wuyedesk.lib.throttle import Throttled

NUL = "\x00"


class RejectNullCharactersMiddleware:
    """No text WuyeDesk stores or searches may contain NUL: PostgreSQL cannot hold it, and it
    is never what a person typed. Such a request is refused before any view runs (a 422 JSON
    error in the API, a 400 page elsewhere), the same on SQLite and PostgreSQL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            message = _("输入中含有不允许的空字符(NUL)。")
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"code": "null_characters", "message": message, "field": None}, status=422
                )
            return HttpResponseBadRequest(message)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if NUL in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("application/json"):
            body = request.body
            return b"\\u0000" in body or b"\x00" in body
        if request.method == "POST" and content_type.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            return any(NUL in value for _name, values in request.POST.lists() for value in values)
        return False


class ThrottledMiddleware:
    """A page view that raised `Throttled` answers 429 with a page saying when to try again.
    Views that hold a form catch it themselves, to keep what was typed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Throttled):
            return throttled(request, exception)
        return None
