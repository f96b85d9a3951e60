"""A sender's Subscriptions over FHIR: create, read, search, delete (kindred.fhir.push sends
the notifications). Scoped to the client's organization: another organization's client gets
404 and empty searches. Every interaction is audited."""

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from kindred.audit.log import record
from kindred.fhir import loop
from kindred.fhir.auth import Caller
from kindred.fhir.models import Subscription
from kindred.fhir.outcome import FhirError, fhir_response
from kindred.fhir.parse import read_json, validate
from kindred.fhir.subscriptions import as_resource, current_status, from_resource
from kindred.fhir.views import _require_json, fhir_view


def _audit(request: HttpRequest, caller: Caller, verb: str, subscription: Subscription) -> None:
    record(
        action=f"fhir.subscription.{verb}",
        request=request,
        actor_label=caller.label,
        obj=subscription,
        detail={"client": caller.client.client_id},
    )


def _answer(subscription: Subscription, status: int = 200) -> HttpResponse:
    resource = as_resource(subscription)
    validate(resource, "Subscription")
    return fhir_response(
        resource,
        status=status,
        ETag=f'W/"{subscription.version}"',
        Location=f"Subscription/{subscription.pk}/_history/{subscription.version}",
    )


def _mine(caller: Caller, pk: str) -> Subscription:
    found = (
        Subscription.objects.filter(organization_id=caller.client.organization_id)
        .select_related("client")
        .filter(pk=int(pk) if pk.isdigit() and len(pk) < 12 else -1)
        .first()
    )
    if found is None:
        raise FhirError(
            404,
            "not-found",
            _("No Subscription %(id)s for this client.") % {"id": pk[:64]},
            audit="not_found",
        )
    if found.deleted_at is not None:
        raise FhirError(
            410, "deleted", _("Subscription %(id)s was deleted.") % {"id": pk[:64]}, audit="gone"
        )
    return found


@fhir_view(("GET", "POST"))
def subscriptions(request: HttpRequest, caller: Caller) -> HttpResponse:
    if request.method == "POST":
        caller.require("Subscription", "c")
        _require_json(request)
        data = read_json(request)
        validate(data, "Subscription")
        subscription = from_resource(caller, data, loop.base_url(request))
        with transaction.atomic():
            subscription.save()
            _audit(request, caller, "created", subscription)
        return _answer(subscription, status=201)
    caller.require("Subscription", "s")
    unknown = sorted(set(request.GET) - {"status", "_format"})
    if unknown:
        raise FhirError(
            400,
            "not-supported",
            _("Unsupported search parameters: %(names)s.") % {"names": ", ".join(unknown)[:200]},
            audit="bad_param",
        )
    rows = list(
        Subscription.objects.filter(
            organization_id=caller.client.organization_id, deleted_at__isnull=True
        ).select_related("client")[:100]
    )
    statuses = {s for v in request.GET.getlist("status") for s in v.split(",") if s}
    found = [s for s in rows if not statuses or current_status(s) in statuses]
    record(
        action="fhir.subscription.searched",
        request=request,
        actor_label=caller.label,
        object_type="fhir.subscription",
        detail={"client": caller.client.client_id, "ids": [s.pk for s in found]},
    )
    base = loop.base_url(request)
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(found),
        "link": [{"relation": "self", "url": request.build_absolute_uri()}],
        "entry": [
            {
                "fullUrl": f"{base}/Subscription/{s.pk}",
                "resource": as_resource(s),
                "search": {"mode": "match"},
            }
            for s in found
        ],
    }
    if not found:
        del bundle["entry"]
    validate(bundle, "Bundle")
    return fhir_response(bundle)


@fhir_view(("GET", "DELETE"))
def subscription(request: HttpRequest, caller: Caller, pk: str) -> HttpResponse:
    if request.method == "DELETE":
        caller.require("Subscription", "d")
        found = _mine(caller, pk)
        with transaction.atomic():
            # Deleted is `off` for good (kept: its deliveries are the record of what was sent).
            found.transition(
                to=Subscription.Status.OFF,
                by=None,
                note=f"Deleted by {caller.label}",
                request=request,
                deleted=True,
            )
            _audit(request, caller, "deleted", found)
        return HttpResponse(status=204)
    caller.require("Subscription", "r")
    found = _mine(caller, pk)
    _audit(request, caller, "viewed", found)
    return _answer(found)
