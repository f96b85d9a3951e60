"""Browsers that signed in to an account before: a signed cookie naming the account, so that
someone who runs up an account's failed-password count (anyone can) does not lock its owner
out of the browser they always use. It proves nothing by itself: the password is still needed,
and the second factor after it."""

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from kindred.accounts.models import User

COOKIE = "kindred_known"
SALT = "kindred.accounts.known-device"
MAX_AGE = 180 * 24 * 3600


def remember_known_device(response: HttpResponse, user: User) -> None:
    response.set_cookie(
        COOKIE,
        signing.dumps(user.pk, salt=SALT),
        max_age=MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def is_known_device(request: HttpRequest, email: str) -> bool:
    value = request.COOKIES.get(COOKIE, "")
    if not value or len(value) > 200:
        return False
    try:
        user_id = signing.loads(value, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return False
    return User.objects.filter(pk=user_id, email__iexact=(email or "").strip()).exists()
