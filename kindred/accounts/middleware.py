from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _

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
