from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from wuyedesk.core.errors import throttled
from wuyedesk.lib.throttle import Throttled

NUL = "\x00"


class RejectNullCharactersMiddleware:
    """No address WuyeDesk answers may contain NUL: PostgreSQL cannot compare it, and pages
    read their search and filter parameters straight from the query string. Such a request is
    refused before any view runs (a 422 JSON error in the API, a 400 page elsewhere), the same
    on SQLite and PostgreSQL.

    What is posted is checked field by field instead, for every control character, so that the
    answer names the field and a page keeps its form filled: core.forms.CleanTextMixin for
    forms, api/parser.py for the API (lib/text.py holds the rule)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            message = _("输入中含有不允许的空字符(NUL)。")
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"code": "null_characters", "message": message, "field": None}, status=422
                )
            return HttpResponseBadRequest(message)
        return self.get_response(request)


class PrivateCacheMiddleware:
    """What a signed-in person sees, and every API answer, is theirs alone: `Cache-Control:
    private, no-store`, so that neither a shared proxy nor the browser's cache (a shared
    computer at the front desk, the back button after logging out) keeps a copy. Static
    files (answered by WhiteNoise before this runs) and anonymous pages keep their headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            patch_cache_control(response, private=True, no_store=True)
        return response


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
