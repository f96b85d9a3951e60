from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kindred.lib.middleware import NulCharacterError


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 in the person's language: a page, or JSON for the APIs under /api/."""
    if isinstance(exception, NulCharacterError):
        message = _(
            "The address or the form contains a character that is not allowed (a NUL "
            "character). Remove it and try again."
        )
    else:
        message = _(
            "Kindred could not understand this request. Check what you typed and try again."
        )
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "core/400.html", {"message": message}, status=400)
