"""When the database goes away: a 503 page, not a stack trace, and recovery without a restart.

A PostgreSQL that stops (a crash, a failover, `pg_ctl stop -m immediate`) makes every query
raise `OperationalError` (or `InterfaceError` on a connection that was already closed). Kindred
answers those with 503 Service Unavailable and `Retry-After`, through two doors:
`DatabaseUnavailableMiddleware` for errors raised in a view (whatever DEBUG says), and
`handler500` (`kindred.core.errors.server_error`) for errors raised in a middleware (the session
or the signed-in person being read) when DEBUG is off. The page is rendered without the request's
context processors, which would query the database again. Nothing else is needed to recover:
Django closes a connection that raised an error at the end of the request
(`close_if_unusable_or_obsolete`), so the next request opens a new one once the database is
back. A write interrupted mid-transaction is rolled back by PostgreSQL, so a post either was
committed (and acknowledged with its redirect) or answered 503 and saved nothing.
"""

import logging
from collections.abc import Callable

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

logger = logging.getLogger("kindred.database")

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
# No template: the page must not depend on anything that could query the database.
PAGE = """<!DOCTYPE html>
<html lang="{language}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — Kindred</title><link rel="stylesheet" href="{css}"></head>
<body><main id="main" class="container"><h1>{title}</h1><p role="alert">{message}</p>
<p><a href="/">{again}</a></p></main></body></html>
"""


def is_database_down(exception: BaseException | None) -> bool:
    return isinstance(exception, DATABASE_ERRORS)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    message = _(
        "Kindred cannot reach its database just now, so nothing you sent in the last moment "
        "was saved. Wait a minute and try again."
    )
    response: HttpResponse
    if request.path_info.startswith(("/api/", "/fhir/")):
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(
            format_html(
                PAGE,
                language=get_language() or "en",
                title=_("Kindred is briefly unavailable"),
                message=message,
                again=_("Try again"),
                css=static("kindred/kindred.css"),
            ),
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """503 for a database error raised in a view (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_down(exception):
            return None
        logger.warning("database unavailable on %s %s: %s", request.method, request.path, exception)
        return unavailable_response(request)
