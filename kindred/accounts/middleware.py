from collections.abc import Callable
from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kindred.accounts import second_factor
from kindred.accounts.signals import LOGIN_AT_KEY

TOUCHED_KEY = "kindred_touched_at"


class SessionLimitsMiddleware:
    """Absolute session lifetime (12 hours by default), whatever the activity.

    The idle limit (30 minutes) is the session's own expiry, renewed by activity (at most once a
    minute) and checked by the database session store, so a stolen, idle cookie is useless on
    the server.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            login_at = request.session.get(LOGIN_AT_KEY)
            now = timezone.now().timestamp()
            if login_at is None or now - float(login_at) > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, _("Your session has ended. Please sign in again."))
                return redirect(settings.LOGIN_URL)
            # Activity renews the idle limit: saving the session moves its expiry forward.
            touched = float(request.session.get(TOUCHED_KEY, 0))
            if now - touched >= settings.SESSION_RENEW_SECONDS:
                request.session[TOUCHED_KEY] = now
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in person sees Kindred in the language they chose, on any device."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        if (
            user.is_authenticated
            and user.language
            and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != user.language
        ):
            remember_language(response, user.language)
        return response


def remember_language(response: HttpResponse, language: str) -> None:
    """The language cookie, so the sign-in page speaks the person's language next time too."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=cast(Any, settings.LANGUAGE_COOKIE_SAMESITE),
    )


class TwoFactorMiddleware:
    """A session whose second factor is still owed (`second_factor.VERIFY`) or whose person
    must first enrol (`SETUP`) reaches only the pages that lead out of that state; everything
    else redirects there (JSON 403 under /api/). The state was set at sign-in; a session from
    before this check existed gets it on its first request."""

    OPEN_VIEWS = frozenset(
        {
            "accounts:two_factor",
            "accounts:two_factor_setup",
            "accounts:logout",
            "accounts:login",
            "core:set_language",
            "core:healthz",
            "core:healthz_live",
        }
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return None
        state = request.session.get(second_factor.STATE_KEY)
        if state is None:
            state = second_factor.start(request, cast(Any, user))
        if state not in (second_factor.VERIFY, second_factor.SETUP):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in self.OPEN_VIEWS:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Finish two-step sign-in in the browser first.")}, status=403
            )
        target = (
            "accounts:two_factor" if state == second_factor.VERIFY else "accounts:two_factor_setup"
        )
        next_url = request.get_full_path() if request.method == "GET" else reverse("core:home")
        return redirect(f"{reverse(target)}?{urlencode({'next': next_url})}")
