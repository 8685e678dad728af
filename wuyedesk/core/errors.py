from django.shortcuts import render

from wuyedesk.lib.throttle import Throttled


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def throttled(request, exc: Throttled):
    """A page refused by a rate limit: says when to try again, in the portal's look for
    residents' pages (#11 point 2)."""
    base = "channels/portal_base.html" if request.path.startswith("/portal/") else "base.html"
    return exc.refuse(render(request, "429.html", {"base": base, "message": exc.message}))
