"""Security headers every response carries (health data: no caching, no framing, no inline JS),
and the refusal of NUL characters in any request value."""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.urls import get_resolver, get_urlconf

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        # Pages for signed-in people show health information or lead to it: never cached
        # (browser back button on a shared clinic computer, proxies).
        user = getattr(request, "user", None)
        if (
            (user is not None and user.is_authenticated)
            or getattr(request, "no_store", False)
            or _is_public_form(request, response)
        ):
            response.headers["Cache-Control"] = "no-store, private"
            response.headers["Pragma"] = "no-cache"
        return response


def _is_public_form(request: HttpRequest, response: HttpResponse) -> bool:
    """A form the public fills in (mentor application, self-referral, joining a group, sign-in),
    or the answer to one: what a person typed, or the form's one-time key, must not stay in a
    shared computer's cache or a proxy's. Every form carries a CSRF token; answers to POSTs
    re-show what was typed."""
    if request.method not in ("GET", "HEAD"):
        return True
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return False
    return b'name="csrfmiddlewaretoken"' in response.content


class NulCharacterError(BadRequest):
    """A request value holds a NUL character (U+0000)."""


def _holds_nul(values: Iterable[str]) -> bool:
    return any("\x00" in value for value in values)


class RejectNulMiddleware:
    """Answers 400 to any request whose path, query, form or cookies hold a NUL character.

    No person types U+0000, PostgreSQL refuses it in text (a DataError: a 500 on whichever
    page passed it to a query), and SQLite would store it silently. Checking here, once, covers
    every parameter of every page, form and API, present and future, instead of each view or
    form remembering to. The refusal is the project's 400 page (`handler400`), in the
    language LocaleMiddleware chose (the language cookie, which sign-in sets from the profile),
    and JSON under /api/.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._holds_nul(request):
            request.no_store = True  # type: ignore[attr-defined]  # nobody is signed in yet here
            handler = get_resolver(get_urlconf()).resolve_error_handler(400)
            return handler(request, exception=NulCharacterError())  # type: ignore[call-arg]
        return self.get_response(request)

    @staticmethod
    def _holds_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path_info or _holds_nul(request.COOKIES.values()):
            return True
        for data in (request.GET, request.POST if request.method == "POST" else None):
            if data is None:
                continue
            if _holds_nul(data.keys()) or any(_holds_nul(data.getlist(k)) for k in data):
                return True
        return False
