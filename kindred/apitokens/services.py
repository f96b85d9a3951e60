"""Making, checking and revoking personal tokens (each change audited)."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from kindred.apitokens.models import PersonalToken
from kindred.audit.log import record
from kindred.programs.access import compute_capabilities
from kindred.programs.models import Program

PREFIX = "kd_"
# A used token's last-use time is written at most this often (one UPDATE, not one per call).
LAST_USE_PRECISION = timedelta(minutes=1)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_create(
    *,
    user: Any,
    name: str,
    programs: list[Program],
    can_write: bool,
    days: int,
    request: HttpRequest | None = None,
) -> tuple[PersonalToken, str]:
    """A new token and its secret (shown once, never stored)."""
    secret = PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = PersonalToken.objects.create(
            user=user,
            name=name,
            prefix=secret[: len(PREFIX) + 6],
            digest=digest_of(secret),
            can_write=can_write,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        token.programs.set(programs)
        record(
            action="apitokens.token.created",
            request=request,
            actor=user,
            object_type="apitokens.personaltoken",
            object_id=token.pk,
            detail={
                "programs": sorted(p.pk for p in programs),
                "can_write": can_write,
                "days": days,
            },
        )
    return token, secret


def token_revoke(*, token: PersonalToken, by: Any, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
        record(
            action="apitokens.token.revoked",
            request=request,
            actor=by,
            object_type="apitokens.personaltoken",
            object_id=token.pk,
        )


@dataclass
class Grant:
    """What a request made with a token may do: the person's capabilities in the token's
    programs (never more than their role), and whether it may change records."""

    token: PersonalToken
    capabilities: dict[int, frozenset[str]]

    def allows(self, method: str) -> bool:
        return self.token.can_write or method.upper() in SAFE_METHODS


def grant_for(secret: str) -> Grant | None:
    """The grant of a usable token, or None (unknown, revoked, expired, person deactivated)."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = (
        PersonalToken.objects.usable()
        .select_related("user")
        .filter(digest=digest_of(secret))
        .first()
    )
    if token is None:
        return None
    allowed = set(token.programs.values_list("pk", flat=True))
    caps = {
        pid: caps for pid, caps in compute_capabilities(token.user_id).items() if pid in allowed
    }
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USE_PRECISION:
        PersonalToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return Grant(token=token, capabilities=caps)
