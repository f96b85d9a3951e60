"""Login throttling per account and per client address, counted from the audit log.

Failures count within a sliding window (LOGIN_THROTTLE_MINUTES); a successful login of the
account resets its count. The audit log is shared by every server process, so the limit holds
behind several workers, unlike a per-process cache.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.audit.throttle import address_over_limit

FAILED = "accounts.login.failed"
SUCCEEDED = "accounts.login.succeeded"
# A new password starts the account's count afresh, as a successful sign-in does.
FRESH_START = (SUCCEEDED, "accounts.password.reset")


def is_throttled(request: HttpRequest, *, email: str, known_device: bool = False) -> bool:
    """Too many failures for this account or from this address. `known_device`: the browser
    signed in to this account before (a signed cookie), so the account's count — which anyone
    can run up to lock a person out — does not apply to it; the address limit still does."""
    window = timedelta(minutes=settings.LOGIN_THROTTLE_MINUTES)
    since = timezone.now() - window
    email = (email or "").strip().lower()
    if email and not known_device:
        last_success = (
            AuditEvent.objects.filter(
                Q(actor_label=email) | Q(actor__email__iexact=email),
                action__in=FRESH_START,
                at__gte=since,
            )
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
        account_since = max(since, last_success) if last_success else since
        account_failures = AuditEvent.objects.filter(
            actor_label=email, action=FAILED, at__gt=account_since
        ).count()
        if account_failures >= settings.LOGIN_FAILURES_PER_ACCOUNT:
            return True
    return address_over_limit(
        request, actions=[FAILED], limit=settings.LOGIN_FAILURES_PER_ADDRESS, within=window
    )
