"""Login throttling per account and per client address, counted from the audit log.

Failures count within a sliding window (LOGIN_THROTTLE_MINUTES); a successful login of the
account resets its count. The audit log is shared by every server process, so the limit holds
behind several workers, unlike a per-process cache.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from kindred.audit.models import AuditEvent

FAILED = "accounts.login.failed"
SUCCEEDED = "accounts.login.succeeded"


def is_throttled(*, email: str, ip: str | None) -> bool:
    since = timezone.now() - timedelta(minutes=settings.LOGIN_THROTTLE_MINUTES)
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
    if ip:
        address_failures = AuditEvent.objects.filter(ip=ip, action=FAILED, at__gte=since).count()
        if address_failures >= settings.LOGIN_FAILURES_PER_ADDRESS:
            return True
    return False
