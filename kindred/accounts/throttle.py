"""Login throttling per account and per client address, counted from the audit log.

Failures count within a sliding window (LOGIN_THROTTLE_MINUTES); a successful login of the
account resets its count. The audit log is shared by every server process, so the limit holds
behind several workers, unlike a per-process cache.
"""

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.audit.throttle import address_over_limit

FAILED = "accounts.login.failed"
SUCCEEDED = "accounts.login.succeeded"


def is_throttled(request: HttpRequest, *, email: str) -> bool:
    window = timedelta(minutes=settings.LOGIN_THROTTLE_MINUTES)
    since = timezone.now() - window
    email = (email or "").strip().lower()
    if email:
        last_success = (
            AuditEvent.objects.filter(actor_label=email, action=SUCCEEDED, at__gte=since)
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
