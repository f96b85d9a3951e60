"""The FHIR endpoint (/fhir/): metadata, the referral transaction, the sender's Tasks, and the
SMART token endpoint. Every request but metadata is audited; every refusal is an
OperationOutcome (an OAuth error at the token endpoint), never a 500."""

from collections.abc import Callable
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from kindred.audit.log import record
from kindred.fhir import intake, loop
from kindred.fhir.auth import (
    SUPPORTED_SCOPES,
    Caller,
    OAuthError,
    caller_of,
    grant_token,
    token_url,
)
from kindred.fhir.capability import capability_statement
from kindred.fhir.outcome import FhirError, error_response, fhir_response
from kindred.fhir.parse import read_json, validate
from kindred.referrals.services import referral_move
from kindred.referrals.status import Reason, Status

JSON_TYPES = ("application/fhir+json", "application/json", "application/json+fhir")


def _audit_refusal(request: HttpRequest, error: FhirError, caller: Caller | None) -> None:
    record(
        action="fhir.request.refused",
        request=request,
        actor_label=caller.label if caller else "",
        object_type="fhir.request",
        object_id=request.method or "",
        detail={"status": error.status, "reason": error.audit, "path": request.path[:120]},
    )


def fhir_view(methods: tuple[str, ...]) -> Callable[..., Callable[..., HttpResponse]]:
    """A FHIR interaction: the method checked, the caller authenticated, refusals answered as
    OperationOutcomes and audited."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        # CSRF protects cookie sessions; a FHIR caller sends a bearer token and no cookie is
        # honoured here (a browser session is refused below), so there is nothing to forge.
        @csrf_exempt
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            caller = None
            try:
                if request.method not in methods:
                    raise FhirError(
                        405,
                        "not-supported",
                        _("Method %(m)s is not supported here.")
                        % {"m": (request.method or "")[:10]},
                        audit="method",
                    )
                caller = caller_of(request)
                return view(request, caller, *args, **kwargs)
            except FhirError as error:
                _audit_refusal(request, error, caller)
                response = error_response(error)
                if error.status == 405:
                    response["Allow"] = ", ".join(methods)
                return response

        wrapper.__name__ = view.__name__
        wrapper.__doc__ = view.__doc__
        return wrapper

    return decorator


def _require_json(request: HttpRequest) -> None:
    content_type = request.content_type or ""
    if content_type not in JSON_TYPES:
        raise FhirError(
            415, "not-supported", _("Send application/fhir+json."), audit="content_type"
        )


def metadata(request: HttpRequest) -> HttpResponse:
    if request.method != "GET":
        return error_response(
            FhirError(
                405,
                "not-supported",
                _("Method %(m)s is not supported here.") % {"m": (request.method or "")[:10]},
            )
        )
    return fhir_response(capability_statement(loop.base_url(request), token_url(request)))


@fhir_view(("POST",))
def base(request: HttpRequest, caller: Caller) -> HttpResponse:
    """A referral: a transaction Bundle."""
    _require_json(request)
    caller.require("ServiceRequest", "c")
    caller.require("Task", "c")
    bundle = read_json(request)
    with transaction.atomic():
        referral, created, received = intake.receive(
            caller, bundle, request=request, if_none_exist=request.headers.get("If-None-Exist", "")
        )
        if not created:
            record(
                action="fhir.bundle.replayed",
                request=request,
                actor_label=caller.label,
                obj=referral,
                detail={"client": caller.client.client_id},
            )
    shared = referral.pk in loop.shared_with_sender([referral])
    tag = loop.etag(referral, shared)
    status = "201 Created" if created else "200 OK"
    entries = []
    for entry in received.entries:
        response: dict[str, Any] = {"status": status}
        if entry is received.task:
            response.update(
                location=f"Task/{referral.pk}/_history/{loop.version_of(referral, shared)}",
                etag=tag,
                lastModified=loop.instant(loop.last_updated(referral, shared)),
            )
        entries.append({"fullUrl": entry.full_url or None, "response": response})
    answer = {
        "resourceType": "Bundle",
        "type": "transaction-response",
        "entry": [{k: v for k, v in e.items() if v is not None} for e in entries],
    }
    validate(answer, "Bundle")
    return fhir_response(answer, status=200)


def _shared_one(caller: Caller, pk: str) -> tuple[Any, bool]:
    referral = (
        loop.sender_referrals(caller)
        .filter(pk=int(pk) if pk.isdigit() and len(pk) < 12 else -1)
        .first()
    )
    if referral is None:
        raise FhirError(
            404,
            "not-found",
            _("No Task %(id)s for this client.") % {"id": pk[:64]},
            audit="not_found",
        )
    return referral, referral.pk in loop.shared_with_sender([referral])


def _task_answer(
    request: HttpRequest, referral: Any, shared: bool, status: int = 200
) -> HttpResponse:
    resource = loop.task_resource(referral, shared=shared, base=loop.base_url(request))
    return fhir_response(
        resource,
        status=status,
        ETag=loop.etag(referral, shared),
        Last_Modified=loop.last_updated(referral, shared).strftime("%a, %d %b %Y %H:%M:%S GMT"),
    )


@fhir_view(("GET", "PUT"))
def task(request: HttpRequest, caller: Caller, pk: str) -> HttpResponse:
    if request.method == "PUT":
        return _cancel(request, caller, pk)
    caller.require("Task", "r")
    referral, shared = _shared_one(caller, pk)
    record(
        action="fhir.task.viewed",
        request=request,
        actor_label=caller.label,
        obj=referral,
        fields=["status", "received_at", "first_contact_at", "supported_at", "closed_at"]
        if shared
        else ["received_at"],
        detail={"client": caller.client.client_id},
    )
    return _task_answer(request, referral, shared)


def _reason_of(task: dict[str, Any]) -> tuple[str, str]:
    concept = task.get("statusReason") or {}
    codes = [c.get("code") for c in concept.get("coding") or []]
    text = str(
        concept.get("text")
        or next((c.get("display") for c in concept.get("coding") or [] if c.get("display")), "")
        or ""
    )
    code = next((c for c in codes if c in Reason.values), "")
    if not code and not text:
        raise FhirError(
            422,
            "required",
            _("Give Task.statusReason: why the referral is cancelled."),
            expression="Task.statusReason",
            audit="reason_required",
        )
    return code or Reason.OTHER, text[:500]


def _cancel(request: HttpRequest, caller: Caller, pk: str) -> HttpResponse:
    caller.require("Task", "u")
    _require_json(request)
    body = read_json(request)
    validate(body, "Task")
    referral, shared = _shared_one(caller, pk)
    if body.get("id") not in (None, str(referral.pk)):
        raise FhirError(
            400,
            "invalid",
            _("The Task's id does not match the address."),
            expression="Task.id",
            audit="id_mismatch",
        )
    if_match = request.headers.get("If-Match", "")
    if if_match and if_match.strip() not in (
        loop.etag(referral, shared),
        f'"{loop.version_of(referral, shared)}"',
    ):
        raise FhirError(
            412,
            "conflict",
            _("The Task changed since you read it (If-Match): read it again."),
            audit="if_match",
        )
    if body.get("status") != Status.CANCELLED:
        raise FhirError(
            422,
            "business-rule",
            _(
                "A sender may only cancel its Task (status “cancelled” with a statusReason); the program moves everything else."
            ),
            expression="Task.status",
            audit="not_writable",
        )
    reason, text = _reason_of(body)
    note = _("Cancelled by the sender over FHIR (%(client)s).") % {"client": caller.client.name}
    try:
        with transaction.atomic():
            referral_move(
                referral=referral,
                to=Status.CANCELLED,
                by=None,
                reason=reason,
                note=f"{note} {text}".strip(),
                request=request,
            )
            record(
                action="fhir.task.cancelled",
                request=request,
                actor_label=caller.label,
                obj=referral,
                fields=["status", "status_reason"],
                detail={"client": caller.client.client_id},
            )
    except ValidationError as exc:
        raise FhirError(
            409,
            "business-rule",
            " ".join(str(m) for m in exc.messages)[:500],
            audit="transition_refused",
        ) from None
    referral.refresh_from_db()
    return _task_answer(request, referral, referral.pk in loop.shared_with_sender([referral]))


@fhir_view(("GET",))
def task_search(request: HttpRequest, caller: Caller) -> HttpResponse:
    caller.require("Task", "s")
    page, shared, total = loop.search(caller, request.GET)
    base_url = loop.base_url(request)
    record(
        action="fhir.task.searched",
        request=request,
        actor_label=caller.label,
        object_type="fhir.task",
        detail={
            "client": caller.client.client_id,
            "total": total,
            "ids": [r.pk for r in page][:100],
        },
    )
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": [{"relation": "self", "url": request.build_absolute_uri()}],
        "entry": [
            {
                "fullUrl": f"{base_url}/Task/{r.pk}",
                "resource": loop.task_resource(r, shared=r.pk in shared, base=base_url),
                "search": {"mode": "match"},
            }
            for r in page
        ],
    }
    try:
        count = min(max(int(request.GET.get("_count", 50)), 0), loop.MAX_COUNT)
        offset = max(int(request.GET.get("_offset", 0)), 0)
    except ValueError:
        count, offset = 50, 0
    if offset + count < total and count:
        params = request.GET.copy()
        params["_offset"] = str(offset + count)
        params["_count"] = str(count)
        cast(list[Any], bundle["link"]).append(
            {"relation": "next", "url": f"{base_url}/Task?{params.urlencode()}"}
        )
    if not bundle["entry"]:
        del bundle["entry"]
    validate(bundle, "Bundle")
    return fhir_response(bundle)


# The client-credentials grant: the caller proves itself with a signed JWT assertion in the
# body, not with a cookie, so CSRF (a forged request riding a session) does not apply.
@csrf_exempt
def token(request: HttpRequest) -> HttpResponse:
    """SMART Backend Services token endpoint (client credentials, JWT assertion)."""
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    if request.method != "POST":
        return JsonResponse(
            {"error": "invalid_request", "error_description": _("POST the grant.")},
            status=405,
            headers=headers,
        )
    try:
        if request.content_type != "application/x-www-form-urlencoded":
            raise OAuthError(
                "invalid_request", _("Send the grant as application/x-www-form-urlencoded.")
            )
        answer, client = grant_token(request, request.POST)
    except OAuthError as error:
        record(
            action="fhir.token.refused",
            request=request,
            object_type="fhir.client",
            detail={"error": error.error, "reason": error.description[:120]},
        )
        return JsonResponse(
            {"error": error.error, "error_description": error.description},
            status=error.status,
            headers=headers,
        )
    record(
        action="fhir.token.granted",
        request=request,
        obj=client,
        actor_label=f"fhir-client:{client.client_id}",
        detail={"scope": answer["scope"]},
    )
    return JsonResponse(answer, headers=headers)


def smart_configuration(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        {
            "token_endpoint": token_url(request),
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["RS384", "ES384"],
            "grant_types_supported": ["client_credentials"],
            "scopes_supported": SUPPORTED_SCOPES,
            "capabilities": ["client-confidential-asymmetric"],
        }
    )
