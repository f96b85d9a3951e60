"""Two-factor sign-in: TOTP from an authenticator app (django-otp), one-time recovery codes,
browsers remembered for at most 30 days.

Who must use it is not this app's to say (roles live above accounts): the `two_factor`
extension modules answer (`kindred/programs/two_factor.py`: coordinators, supervisors,
organization administrators, directory curators). Anyone else may turn it on.

At sign-in (`start`, from the `user_logged_in` signal) the session gets one of the states below;
`TwoFactorMiddleware` keeps a session in VERIFY or SETUP on the pages that lead out of it. The
state lives in the server-side session, so a verified page costs no query; an administrator's
reset ends the person's sessions.
"""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kindred.accounts.models import RememberedDevice, User
from kindred.audit.log import record
from kindred.lib import extensions
from kindred.lib.demo import DEMO_DOMAIN

STATE_KEY = "kindred_2fa"
VERIFIED, VERIFY, SETUP, NOT_NEEDED = "verified", "verify", "setup", "not_needed"
REMEMBER_COOKIE = "kindred_2fa_remember"
RECOVERY_CODES = 10
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def required(user: User) -> bool:
    """Whether the person's roles oblige a second factor. The demo logins of `make run` may skip
    enrolment while DEBUG is on (README), never in production."""
    if settings.DEBUG and user.email.lower().endswith("@" + DEMO_DOMAIN):
        return False
    return any(module.requires_two_factor(user) for module in extensions.two_factor_modules())


def authenticator(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def is_enrolled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def start(request: HttpRequest, user: User) -> str:
    """The session's state right after the password was accepted."""
    if is_enrolled(user):
        state = VERIFIED if _remembered(request, user) else VERIFY
    else:
        state = SETUP if required(user) else NOT_NEEDED
    request.session[STATE_KEY] = state
    return state


def state_of(request: HttpRequest) -> str:
    return str(request.session.get(STATE_KEY, NOT_NEEDED))


def verify(request: HttpRequest, user: User, code: str) -> str | None:
    """Check a code from the authenticator app, or a recovery code (used up). Returns which
    kind matched ("totp" / "recovery"), "throttled" when the devices make the person wait after
    failures (django-otp's delay doubles with each failure), or None."""
    code = "".join((code or "").split())
    if not code or len(code) > 16:
        return None
    device = authenticator(user)
    statics = list(StaticDevice.objects.filter(user=user, confirmed=True))
    if device is not None and code.isdigit() and code.isascii():
        if not device.verify_is_allowed()[0]:
            return "throttled"
        if device.verify_token(code):
            return "totp"
    for static in statics:
        if not static.verify_is_allowed()[0]:
            return "throttled"
        if static.verify_token(code.lower()):
            return "recovery"
    return None


def mark_verified(request: HttpRequest, user: User, *, how: str) -> None:
    """The second factor is proven: a new session key (the pre-verification key is useless to
    whoever saw it), and an audit event."""
    from kindred.accounts.models import SessionRecord

    old = request.session.session_key
    request.session.cycle_key()
    request.session[STATE_KEY] = VERIFIED
    request.session.save()
    SessionRecord.objects.filter(session_key=old).update(session_key=request.session.session_key)
    record(action="accounts.two_factor.verified", request=request, actor=user, detail={"how": how})


def new_authenticator(user: User) -> TOTPDevice:
    """The unconfirmed device of an enrolment in progress (one per person, kept across page
    loads so the key shown does not change under them)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


@transaction.atomic
def confirm_authenticator(request: HttpRequest, user: User, device: TOTPDevice) -> list[str]:
    """Enrolment done: the device confirmed, fresh recovery codes (returned once, to be shown
    once), other unconfirmed devices removed."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = new_recovery_codes(user)
    record(action="accounts.two_factor.enrolled", request=request, actor=user, obj=user)
    return codes


def new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _recovery_code() -> str:
    # 10 characters of a-z and 2-9 (no 0/o, 1/l): about 50 bits, easy to type from paper.
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


@transaction.atomic
def reset(user: User, *, by: Any, request: HttpRequest | None) -> None:
    """An administrator's reset: devices, recovery codes and remembered browsers go, the person
    is signed out everywhere and enrols again at their next sign-in (audited)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    RememberedDevice.objects.filter(user=user).delete()
    user.end_sessions()
    record(action="accounts.two_factor.reset", request=request, actor=by, obj=user)


# --- Remembered browsers ---------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def remember(request: HttpRequest, response: HttpResponse, user: User) -> None:
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    RememberedDevice.objects.create(
        user=user,
        token_hash=_hash(token),
        created_at=now,
        expires_at=now + timedelta(days=RememberedDevice.MAX_DAYS),
        user_agent=request.headers.get("User-Agent", "")[:200],
    )
    response.set_cookie(
        REMEMBER_COOKIE,
        token,
        max_age=RememberedDevice.MAX_DAYS * 24 * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    record(action="accounts.two_factor.remembered", request=request, actor=user)


def _remembered(request: HttpRequest, user: User) -> bool:
    token = request.COOKIES.get(REMEMBER_COOKIE, "")
    if not token or len(token) > 100:
        return False
    updated = RememberedDevice.objects.filter(
        user=user, token_hash=_hash(token), expires_at__gt=timezone.now()
    ).update(last_used_at=timezone.now())
    return updated == 1


def forget_devices(user: User, *, request: HttpRequest | None) -> int:
    deleted, _ = RememberedDevice.objects.filter(user=user).delete()
    record(action="accounts.two_factor.devices_forgotten", request=request, actor=user)
    return deleted


@transaction.atomic
def turn_off(user: User, *, request: HttpRequest | None) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    RememberedDevice.objects.filter(user=user).delete()
    if request is not None:
        request.session[STATE_KEY] = NOT_NEEDED
    record(action="accounts.two_factor.turned_off", request=request, actor=user, obj=user)
