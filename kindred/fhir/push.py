"""Pushing a sender's Tasks to its subscriptions (FHIR R4 `rest-hook`).

When a referral from an EHR changes (the `referral_changed` extension point, inside the change's
transaction) or its family agrees to share its progress (`consent_changed`), each matching
subscription of the sender's organization gets a `Delivery` row in that same transaction, and
the Tasks API sends it after commit. What goes is the Task as its sender would read it now
(kindred.fhir.loop): status and dates only, and nothing while the family does not consent to
share them. A subscription with a payload gets an update (`PUT <endpoint>/Task/<id>`, the R4
rule for rest-hook with a payload); one without gets an empty `POST <endpoint>` (a notice).

A failed attempt is retried with backoff (MAX_ATTEMPTS in all, BACKOFF between them: deferred
tasks on the database backend, or `manage.py fhir_push` from cron); once every attempt failed
the subscription's status becomes `error` (FHIR), and its next success makes it `active` again.
Every attempt is an audit event (`fhir.subscription.notified`), kept on the Delivery too.
"""

import http.client
import json
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Q, Subquery
from django.utils import timezone
from django_tasks import task

from kindred.audit.log import record
from kindred.fhir import loop
from kindred.fhir.auth import Caller
from kindred.fhir.models import Delivery, Subscription
from kindred.fhir.outcome import FHIR_JSON
from kindred.fhir.subscriptions import current_status, endpoint_refusal, matches
from kindred.referrals.models import ExternalReferrer, Referral, Source

MAX_ATTEMPTS = 5
# The wait after the 1st, 2nd, 3rd and 4th failed attempt.
BACKOFF = [
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
]
TIMEOUT_SECONDS = 10
# A delivery left "sending" this long (its worker died) is tried again.
STALE_SENDING = timedelta(minutes=15)
FIELDS_SENT = ["status", "received_at", "first_contact_at", "supported_at", "closed_at"]


def _subscriptions_for(referral: Referral) -> list[Subscription]:
    sender_org = ExternalReferrer.objects.filter(pk=referral.external_referrer_id or -1).values(
        "sender_organization_id"
    )[:1]
    return list(
        Subscription.objects.filter(
            status__in=[Subscription.Status.ACTIVE, Subscription.Status.ERROR],
            organization_id=Subquery(sender_org),
            client__organization_id=Subquery(sender_org),
            client__revoked_at__isnull=True,
            client__links__program_id=referral.program_id,
        )
        .filter(Q(end__isnull=True) | Q(end__gt=timezone.now()))
        .select_related("client")
        .distinct()
    )


def plan(referral: Referral) -> list[int]:
    """The deliveries of this version of the referral's Task (inside the change's
    transaction); sent after commit."""
    if referral.source != Source.EHR or not referral.external_referrer_id:
        return []
    subscriptions = _subscriptions_for(referral)
    if not subscriptions or referral.pk not in loop.shared_with_sender([referral]):
        return []
    created = []
    for subscription in subscriptions:
        if not matches(subscription, program_id=referral.program_id, status=referral.status):
            continue
        delivery, new = Delivery.objects.get_or_create(
            subscription=subscription, referral_id=referral.pk, version=referral.version
        )
        if new:
            created.append(delivery.pk)
    if created:
        transaction.on_commit(lambda: _enqueue(created))
    return created


def _enqueue(ids: list[int], run_after: datetime | None = None) -> None:
    for delivery_id in ids:
        if run_after is not None and deliver.get_backend().supports_defer:
            deliver.using(run_after=run_after).enqueue(delivery_id=delivery_id)
        elif run_after is None:
            deliver.enqueue(delivery_id=delivery_id)
        # Otherwise (a backend that cannot defer) `manage.py fhir_push` sends it when due.


@task()
def deliver(*, delivery_id: int) -> str:
    return attempt(delivery_id)


def _send(subscription: Subscription, task_id: int, resource: dict[str, Any]) -> tuple[int, str]:
    """(HTTP status or 0, a short error code): no redirects followed, no health information
    in the error."""
    refusal = endpoint_refusal(subscription.endpoint, resolve=True)
    if refusal:
        return 0, "endpoint refused"
    parts = urlsplit(subscription.endpoint)
    headers = {"User-Agent": "Kindred FHIR", "Accept": "application/fhir+json"}
    for header in subscription.headers:
        name, _sep, value = header.partition(":")
        headers[name.strip()] = value.strip()
    if subscription.payload:
        method, path = "PUT", f"{parts.path.rstrip('/')}/Task/{task_id}"
        body = json.dumps(resource, ensure_ascii=False).encode()
        headers["Content-Type"] = FHIR_JSON
    else:
        method, path, body = "POST", parts.path or "/", b""
    if parts.query:
        path = f"{path}?{parts.query}"
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname or "", parts.port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        answer.read(64 * 1024)
    except (OSError, http.client.HTTPException) as exc:
        return 0, type(exc).__name__[:60]
    finally:
        connection.close()
    return answer.status, "" if 200 <= answer.status < 300 else f"HTTP {answer.status}"


def _close(delivery: Delivery, state: str) -> str:
    Delivery.objects.filter(pk=delivery.pk).update(state=state)
    return state


def attempt(delivery_id: int, *, now: datetime | None = None) -> str:
    """One attempt at a due delivery; answers its state after."""
    now = now or timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, state=Delivery.State.PENDING, next_attempt_at__lte=now
    ).update(state=Delivery.State.SENDING, last_attempt_at=now)
    if not claimed:
        return "not due"
    delivery = Delivery.objects.select_related(
        "subscription__client", "referral__program", "referral__external_referrer"
    ).get(pk=delivery_id)
    subscription, referral = delivery.subscription, delivery.referral
    if current_status(subscription) == Subscription.Status.OFF:
        return _close(delivery, Delivery.State.WITHHELD)
    caller = Caller(client=subscription.client, scopes=[])
    visible = loop.sender_referrals(caller).filter(pk=referral.pk).exists()
    if not visible or referral.pk not in loop.shared_with_sender([referral]):
        return _close(delivery, Delivery.State.WITHHELD)
    if not matches(subscription, program_id=referral.program_id, status=referral.status):
        return _close(delivery, Delivery.State.WITHHELD)
    if (
        Delivery.objects.filter(
            subscription=subscription, referral=referral, version__gt=delivery.version
        )
        .exclude(state__in=[Delivery.State.WITHHELD, Delivery.State.SUPERSEDED])
        .exists()
    ):
        return _close(delivery, Delivery.State.SUPERSEDED)
    resource = loop.task_resource(referral, shared=True, base=subscription.base_url)
    status_code, error = _send(subscription, referral.pk, resource)
    return _record(delivery, subscription, referral, status_code, error, now)


def _record(
    delivery: Delivery,
    subscription: Subscription,
    referral: Referral,
    status_code: int,
    error: str,
    now: datetime,
) -> str:
    attempts = delivery.attempts + 1
    if not error:
        state = Delivery.State.SENT
    elif attempts >= MAX_ATTEMPTS:
        state = Delivery.State.FAILED
    else:
        state = Delivery.State.PENDING
    next_at = now + BACKOFF[min(attempts, len(BACKOFF)) - 1]
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            state=state,
            attempts=attempts,
            last_status_code=status_code or None,
            last_error=error,
            next_attempt_at=next_at
            if state == Delivery.State.PENDING
            else delivery.next_attempt_at,
        )
        subscription.refresh_from_db()
        if state == Delivery.State.SENT and subscription.status == Subscription.Status.ERROR:
            subscription.transition(to=Subscription.Status.ACTIVE, by=None)
        elif state == Delivery.State.FAILED and subscription.status == Subscription.Status.ACTIVE:
            subscription.transition(
                to=Subscription.Status.ERROR,
                by=None,
                reason=f"Task/{referral.pk}: {error} after {attempts} attempts",
            )
        elif error and subscription.status != Subscription.Status.OFF:
            subscription.error = f"Task/{referral.pk}: {error} (attempt {attempts}, retrying)"
            subscription.save(update_fields=["error"])
        record(
            action="fhir.subscription.notified",
            actor_label=f"fhir-client:{subscription.client.client_id}",
            obj=referral,
            fields=FIELDS_SENT if subscription.payload else [],
            detail={
                "subscription": subscription.pk,
                "version": referral.version,
                "attempt": attempts,
                "status_code": status_code,
                "outcome": state,
            },
        )
        if state == Delivery.State.PENDING:
            transaction.on_commit(lambda: _enqueue([delivery.pk], run_after=next_at))
    return state


def deliver_due(*, now: datetime | None = None) -> dict[str, int]:
    """Every delivery due by `now` tried once (`manage.py fhir_push`, from cron)."""
    now = now or timezone.now()
    Delivery.objects.filter(
        state=Delivery.State.SENDING, last_attempt_at__lt=now - STALE_SENDING
    ).update(state=Delivery.State.PENDING)
    counts: dict[str, int] = {}
    due = Delivery.objects.filter(state=Delivery.State.PENDING, next_attempt_at__lte=now)
    for delivery_id in due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:500]:
        state = attempt(delivery_id, now=now)
        counts[state] = counts.get(state, 0) + 1
    return counts
