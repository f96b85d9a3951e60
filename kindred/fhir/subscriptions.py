"""The sender's Subscription resource (FHIR R4, `rest-hook` only): reading what a client posts,
checking its criteria and endpoint, and answering it back.

Criteria are a search over the sender's own Tasks: `Task`, optionally with `owner=` and
`status=` (the search's own parameters, applied to the new version of the Task as the sender
reads it). The endpoint is https (plain http and private addresses only in development,
`FHIR_SUBSCRIPTION_ALLOW_LOCAL`, so a client cannot make Kindred call inside its network).
"""

import ipaddress
import socket
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from kindred.fhir.auth import Caller
from kindred.fhir.loop import instant
from kindred.fhir.models import FhirClientProgram, Subscription
from kindred.fhir.outcome import FhirError
from kindred.referrals.status import Status

PAYLOADS = {"application/fhir+json", "application/json", "application/json+fhir"}
CRITERIA_PARAMS = {"owner", "status"}
MAX_HEADERS = 5


def _invalid(message: str, expression: str, audit: str = "subscription_invalid") -> FhirError:
    return FhirError(422, "invalid", message, expression=expression, audit=audit)


def allow_local() -> bool:
    return bool(getattr(settings, "FHIR_SUBSCRIPTION_ALLOW_LOCAL", settings.DEBUG))


def endpoint_refusal(url: str, *, resolve: bool) -> str:
    """Why Kindred will not call `url` (empty when it will)."""
    parts = urlsplit(url)
    local = allow_local()
    if parts.scheme not in ({"https", "http"} if local else {"https"}) or not parts.hostname:
        return _("The endpoint must be an https URL.")
    if parts.username or parts.password:
        return _("The endpoint must not carry a user name or password; use a header.")
    if local or not resolve:
        return ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except OSError:
        return _("The endpoint's host name does not resolve.")
    for address in addresses:
        ip = ipaddress.ip_address(str(address).split("%")[0])
        if not ip.is_global:
            return _("The endpoint resolves to a private address.")
    return ""


def parse_criteria(caller: Caller, criteria: str) -> dict[str, list[str]]:
    path, _sep, query = criteria.partition("?")
    if path != "Task":
        raise _invalid(
            _("Kindred's subscriptions are to Tasks: criteria “Task” or “Task?owner=…&status=…”."),
            "Subscription.criteria",
        )
    params = parse_qs(query, keep_blank_values=False)
    unknown = sorted(set(params) - CRITERIA_PARAMS)
    if unknown:
        raise _invalid(
            _("Subscription criteria take owner and status only, not %(names)s.")
            % {"names": ", ".join(unknown)[:200]},
            "Subscription.criteria",
        )
    statuses = {s for v in params.get("status", []) for s in v.split(",") if s}
    if statuses - (set(Status.values) | {"received"}):
        raise _invalid(_("Unknown Task status in the criteria."), "Subscription.criteria")
    for owner in params.get("owner", []):
        if not owner_programs(caller.client, owner):
            raise _invalid(
                _("The criteria's owner %(ref)s is not a program of this client.")
                % {"ref": owner[:200]},
                "Subscription.criteria",
            )
    return params


def owner_programs(client: Any, owner: str) -> set[int]:
    """The programs of `client` that a Task.owner reference names."""
    pid = owner.split("/", 1)[1] if owner.startswith("HealthcareService/") else None
    return {
        link.program_id
        for link in FhirClientProgram.objects.filter(client=client)
        if (link.owner_reference and link.owner_reference == owner) or str(link.program_id) == pid
    }


def matches(subscription: Subscription, *, program_id: int, status: str) -> bool:
    """Whether a Task (its program, its status as the sender reads it) meets the criteria."""
    params = parse_qs(subscription.criteria.partition("?")[2])
    statuses = {s for v in params.get("status", []) for s in v.split(",") if s}
    if statuses and status not in statuses:
        return False
    return all(
        program_id in owner_programs(subscription.client, o) for o in params.get("owner", [])
    )


def from_resource(caller: Caller, data: dict[str, Any], base: str) -> Subscription:
    """An unsaved Subscription from a client's resource (already validated as FHIR R4)."""
    channel = data.get("channel") or {}
    if channel.get("type") != "rest-hook":
        raise _invalid(
            _("Kindred sends notifications by rest-hook only."), "Subscription.channel.type"
        )
    if data.get("status") not in ("requested", "active"):
        raise _invalid(
            _("Ask for a subscription with status “requested” (or “active”)."),
            "Subscription.status",
        )
    endpoint = str(channel.get("endpoint") or "")
    refusal = endpoint_refusal(endpoint, resolve=True) if endpoint else _("Give an endpoint.")
    if refusal or len(endpoint) > 500:
        raise _invalid(refusal or _("The endpoint is too long."), "Subscription.channel.endpoint")
    payload = str(channel.get("payload") or "")
    if payload and payload.split(";")[0].strip() not in PAYLOADS:
        raise _invalid(
            _("The payload is application/fhir+json (or none, for a notice without the Task)."),
            "Subscription.channel.payload",
        )
    headers = [str(h) for h in channel.get("header") or []]
    if len(headers) > MAX_HEADERS or any(
        ":" not in h or len(h) > 1000 or "\n" in h or "\r" in h for h in headers
    ):
        raise _invalid(
            _("Each header is “Name: value” on one line (five at most)."),
            "Subscription.channel.header",
        )
    end = parse_datetime(str(data.get("end") or "")) if data.get("end") else None
    if end is not None and timezone.is_naive(end):
        end = timezone.make_aware(end, timezone.get_fixed_timezone(0))
    criteria = str(data.get("criteria") or "")
    parse_criteria(caller, criteria)
    return Subscription(
        client=caller.client,
        organization=caller.client.organization,
        reason=str(data.get("reason") or "")[:500],
        criteria=criteria[:500],
        endpoint=endpoint,
        payload=payload[:100],
        headers=headers,
        end=end,
        base_url=base,
    )


def current_status(subscription: Subscription) -> str:
    if subscription.status != Subscription.Status.OFF and (
        (subscription.end is not None and subscription.end <= timezone.now())
        or subscription.client.revoked_at is not None
    ):
        return Subscription.Status.OFF
    return subscription.status


def as_resource(subscription: Subscription) -> dict[str, Any]:
    """The Subscription as FHIR R4; header values are not given back (they are secrets)."""
    channel: dict[str, Any] = {"type": "rest-hook", "endpoint": subscription.endpoint}
    if subscription.payload:
        channel["payload"] = subscription.payload
    if subscription.headers:
        channel["header"] = [f"{h.split(':', 1)[0]}: ****" for h in subscription.headers]
    resource: dict[str, Any] = {
        "resourceType": "Subscription",
        "id": str(subscription.pk),
        "meta": {
            "versionId": str(subscription.version),
            "lastUpdated": instant(subscription.updated_at),
        },
        "status": current_status(subscription),
        "reason": subscription.reason,
        "criteria": subscription.criteria,
        "channel": channel,
    }
    if subscription.end:
        resource["end"] = instant(subscription.end)
    if subscription.error:
        resource["error"] = subscription.error
    return resource
