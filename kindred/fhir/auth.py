"""SMART Backend Services (https://hl7.org/fhir/smart-app-launch/backend-services.html).

A registered client posts to /fhir/auth/token a client-credentials grant with a JWT assertion
signed by one of its keys (RS384 or ES384), `iss` = `sub` = its client id, `aud` = the token
URL, at most five minutes to `exp`, a `jti` never used before; it gets a bearer token for the
`system/` scopes it asked for, valid five minutes. All JWT and JWK work is joserfc's.
"""

import base64
import json
import re
import time
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.fhir.models import ACCESS_TOKEN_SECONDS, AccessToken, FhirClient, UsedAssertion
from kindred.fhir.outcome import FhirError

if TYPE_CHECKING:
    from joserfc.jwk import KeySet

# joserfc (and the cryptography it loads, about 7 MiB) is imported where a token is granted or a
# key set checked, not by every web worker (docs/benchmarks.md, "Memory").

ALGORITHMS = ["RS384", "ES384"]
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
MAX_ASSERTION_SECONDS = 300
CLOCK_SKEW_SECONDS = 30
JWKS_URL_MAX_BYTES = 64 * 1024

# What each scope lets a client do: (resource type, operation c/r/u/d/s).
RESOURCES = {"Task", "ServiceRequest", "Subscription"}
SCOPE_RE = re.compile(r"^system/(?P<resource>\*|[A-Z][A-Za-z]+)\.(?P<perm>read|write|\*|[cruds]+)$")
V1 = {"read": "rs", "write": "cud", "*": "cruds"}
# What Kindred lets a client do at all: create referrals (ServiceRequest with its Task), read
# and search Tasks, update a Task (cancel it), and create, read, search and delete its
# subscriptions to its Tasks.
SUPPORTED = {
    ("ServiceRequest", "c"),
    ("Task", "c"),
    ("Task", "r"),
    ("Task", "s"),
    ("Task", "u"),
    ("Subscription", "c"),
    ("Subscription", "r"),
    ("Subscription", "s"),
    ("Subscription", "d"),
}
SUPPORTED_SCOPES = [
    "system/ServiceRequest.write",
    "system/Task.read",
    "system/Task.write",
    "system/ServiceRequest.c",
    "system/Task.cu",
    "system/Task.rs",
    "system/Subscription.read",
    "system/Subscription.write",
    "system/Subscription.crds",
]


class OAuthError(Exception):
    """An RFC 6749 error answer of the token endpoint."""

    def __init__(self, error: str, description: Any, status: int = 400) -> None:
        super().__init__(str(description))
        self.error = error
        self.description = str(description)
        self.status = status


def scope_grants(scope: str) -> set[tuple[str, str]]:
    """The (resource, operation) pairs of one `system/` scope that Kindred supports."""
    match = SCOPE_RE.match(scope)
    if not match:
        return set()
    resource, perm = match["resource"], match["perm"]
    ops = V1.get(perm, perm)
    resources = RESOURCES if resource == "*" else {resource}
    return {(r, op) for r in resources for op in ops if (r, op) in SUPPORTED}


@dataclass
class Caller:
    """The client behind a FHIR request, and what its token allows."""

    client: FhirClient
    scopes: list[str]

    def may(self, resource: str, op: str) -> bool:
        return any((resource, op) in scope_grants(s) for s in self.scopes)

    def require(self, resource: str, op: str) -> None:
        if not self.may(resource, op):
            raise FhirError(
                403,
                "forbidden",
                _(
                    "The access token's scopes do not allow this (it needs a system/%(resource)s scope with “%(op)s”)."
                )
                % {"resource": resource, "op": op},
                audit="scope",
            )

    @property
    def label(self) -> str:
        return f"fhir-client:{self.client.client_id}"[:254]


def token_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("fhir:token"))


def _keys_of(client: FhirClient) -> "KeySet":
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    data = client.jwks
    if data is None and client.jwks_url:
        try:
            with urllib.request.urlopen(client.jwks_url, timeout=5) as answer:  # noqa: S310 (https checked at registration)
                data = json.loads(answer.read(JWKS_URL_MAX_BYTES))
        except (OSError, ValueError) as exc:
            raise OAuthError(
                "invalid_client", _("The client's key set could not be fetched from its URL.")
            ) from exc
    try:
        return KeySet.import_key_set(data)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise OAuthError("invalid_client", _("The client's key set is not a valid JWKS.")) from exc


def grant_token(request: HttpRequest, form: Any) -> tuple[dict[str, Any], FhirClient]:
    """The token answer for a client-credentials grant (and its client), or OAuthError."""
    if form.get("grant_type") != "client_credentials":
        raise OAuthError("unsupported_grant_type", _("Use grant_type=client_credentials."))
    if form.get("client_assertion_type") != ASSERTION_TYPE:
        raise OAuthError(
            "invalid_request", _("Use client_assertion_type=%(t)s.") % {"t": ASSERTION_TYPE}
        )
    assertion = form.get("client_assertion", "")
    if not assertion or len(assertion) > 16_000:
        raise OAuthError("invalid_request", _("Send the signed client_assertion."))
    requested = [s for s in form.get("scope", "").split() if s]
    if not requested:
        raise OAuthError("invalid_scope", _("Ask for at least one system/ scope."))
    unsupported = [s for s in requested if not scope_grants(s)]
    if unsupported:
        raise OAuthError(
            "invalid_scope",
            _("Kindred does not grant these scopes: %(scopes)s. It grants: %(supported)s.")
            % {"scopes": " ".join(unsupported)[:300], "supported": ", ".join(SUPPORTED_SCOPES)},
        )
    issuer = _unverified_issuer(assertion)
    client = FhirClient.objects.filter(client_id=issuer, revoked_at__isnull=True).first()
    if client is None:
        raise OAuthError("invalid_client", _("Unknown or revoked client."), status=401)
    from joserfc import jwt
    from joserfc.errors import JoseError

    try:
        token = jwt.decode(assertion, _keys_of(client), algorithms=ALGORITHMS)
    except JoseError as exc:
        raise OAuthError(
            "invalid_client",
            _("The assertion's signature does not verify with the client's keys (RS384 or ES384)."),
            status=401,
        ) from exc
    claims = token.claims
    now = time.time()
    if claims.get("sub") != client.client_id or claims.get("iss") != client.client_id:
        raise OAuthError(
            "invalid_client", _("The assertion's iss and sub must be the client id."), 401
        )
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if token_url(request) not in audiences:
        raise OAuthError(
            "invalid_client",
            _("The assertion's aud must be %(url)s.") % {"url": token_url(request)},
            401,
        )
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or exp <= now - CLOCK_SKEW_SECONDS:
        raise OAuthError("invalid_client", _("The assertion has expired."), 401)
    if exp > now + MAX_ASSERTION_SECONDS + CLOCK_SKEW_SECONDS:
        raise OAuthError("invalid_client", _("An assertion may live five minutes at most."), 401)
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti or len(jti) > 255:
        raise OAuthError("invalid_client", _("The assertion needs a jti."), 401)
    try:
        with transaction.atomic():
            UsedAssertion.objects.filter(expires_at__lt=timezone.now()).delete()
            UsedAssertion.objects.create(
                client=client,
                jti=jti,
                expires_at=timezone.now() + timedelta(seconds=MAX_ASSERTION_SECONDS * 2),
            )
    except IntegrityError as exc:
        raise OAuthError(
            "invalid_client", _("This assertion was used already (jti replayed)."), 401
        ) from exc
    _row, access = AccessToken.issue(client, requested)
    FhirClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    answer = {
        "access_token": access,
        "token_type": "bearer",
        "expires_in": ACCESS_TOKEN_SECONDS,
        "scope": " ".join(requested),
    }
    return answer, client


def _unverified_issuer(assertion: str) -> str:
    """The `iss` of an assertion before its signature is checked: only to find whose keys to
    check it with."""
    try:
        payload = assertion.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (IndexError, ValueError):
        raise OAuthError("invalid_client", _("The assertion is not a JWT."), 401) from None
    issuer = claims.get("iss") if isinstance(claims, dict) else None
    if not isinstance(issuer, str) or not issuer or len(issuer) > 64:
        raise OAuthError("invalid_client", _("The assertion names no issuer."), 401)
    return issuer


def caller_of(request: HttpRequest) -> Caller:
    """The client of a FHIR request's bearer token. Without one: 401; a browser session
    without a token: 403 (FHIR is for systems, the pages are for people)."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            raise FhirError(
                403,
                "forbidden",
                _(
                    "The FHIR API takes a SMART Backend Services access token, not a browser session."
                ),
                audit="session",
            )
        raise FhirError(
            401, "login", _("Send an access token: Authorization: Bearer …"), audit="no_token"
        )
    found = AccessToken.find(value.strip()[:200])
    if found is None or found.client.revoked_at is not None:
        raise FhirError(
            401, "login", _("The access token is unknown, expired or revoked."), audit="bad_token"
        )
    return Caller(client=found.client, scopes=list(found.scopes))
