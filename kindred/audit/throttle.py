"""Limits on public forms, counted from the audit log: every server process shares it, so a
limit holds behind several workers (the login throttle in kindred.accounts.throttle works the
same way)."""

from collections.abc import Iterable
from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.lib.http import client_address


def address_over_limit(
    request: HttpRequest,
    *,
    actions: Iterable[str],
    limit: int,
    within: timedelta = timedelta(hours=1),
) -> bool:
    """True when this client address already has `limit` of these audited actions recently."""
    address = client_address(request)
    if address is None:
        return False
    since = timezone.now() - within
    recent = AuditEvent.objects.filter(ip=address, action__in=list(actions), at__gte=since)
    return recent.count() >= limit
