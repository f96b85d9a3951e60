"""Every error is a page in the person's language (or JSON under /api/): 400, 403, 404, 405,
500 and a refused CSRF token. Django's own answers are a bare line of English, or an empty body
(a 405 from `require_http_methods`)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from kindred.lib.middleware import NulCharacterError
from kindred.lib.unavailable import is_database_down, unavailable_response

# Paths whose clients read machine answers (their own error formats): left as they are.
_MACHINE_PREFIXES = ("/api/", "/fhir/")


def _wants_json(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


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
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "core/400.html", {"message": message}, status=400)


def method_not_allowed(request: HttpRequest, allowed: str = "") -> HttpResponse:
    """405: the page was asked for in a way it does not answer (a link to a form's target)."""
    response = render(request, "core/405.html", status=405)
    if allowed:
        response["Allow"] = allowed
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the form's security token was missing or out of date (a page left open
    over a sign-in, cookies blocked). The reason stays out of the page: it helps no one."""
    return render(request, "core/403_csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: a page that needs no database, no session and no context processor (whatever broke
    may be one of them), still in the language chosen for the request — except when the database
    went away: then 503 (kindred/lib/unavailable.py)."""
    import sys

    if is_database_down(sys.exc_info()[1]):
        return unavailable_response(request)
    if _wants_json(request):
        return JsonResponse({"detail": _("Something went wrong on our side.")}, status=500)
    return HttpResponse(render_to_string("core/500.html"), status=500)


class ErrorPagesMiddleware:
    """Gives an empty-bodied error answer (Django's 405 from `require_http_methods`, a bare
    `HttpResponseBadRequest()`) the page it lacks, in the person's language."""

    PAGES: dict[int, Callable[[HttpRequest], HttpResponse]] = {
        400: bad_request,
        403: permission_denied,
        404: page_not_found,
    }

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        status = response.status_code
        if (
            status not in (400, 403, 404, 405)
            or response.streaming
            or response.content
            or request.method == "HEAD"
            or request.path_info.startswith(_MACHINE_PREFIXES)
        ):
            return response
        if status == 405:
            return method_not_allowed(request, response.get("Allow", ""))
        return self.PAGES[status](request)
