"""Test helpers: Gravity example bundles assembled from the standard files as they are, a
registered client with keys generated here, and real signed assertions (joserfc)."""

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.test import Client
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from kindred.fhir.models import FhirClient, FhirClientProgram
from kindred.lib.standards import GRAVITY_FHIR_DIR

TOKEN_URL = "http://testserver/fhir/auth/token"
ALL_SCOPES = "system/ServiceRequest.write system/Task.read system/Task.write"
COORDINATION_PLATFORM = "Organization/SDOHCC-OrganizationCoordinationPlatformExample"
CLINIC = "Organization/SDOHCC-OrganizationClinicExample"


def gravity(name: str) -> dict[str, Any]:
    return json.loads((GRAVITY_FHIR_DIR / f"{name}.json").read_text())


COMMON = [
    "Patient-pat-53234",
    "RelatedPerson-SDOHCC-RelatedPersonMotherExample",
    "PractitionerRole-SDOHCC-PractitionerRoleDrJanWaterExample",
    "Practitioner-SDOHCC-PractitionerDrJanWaterExample",
    "Organization-SDOHCC-OrganizationClinicExample",
    "Organization-SDOHCC-OrganizationCoordinationPlatformExample",
    "Consent-SDOHCC-ConsentInformationDisclosureExample",
]
# Each Gravity referral-management Task with the ServiceRequest it fulfils.
EXAMPLES = {
    "fulfillment-accepted": (
        "Task-SDOHCC-TaskReferralManagementOrderFulfillmentAcceptedExample",
        "ServiceRequest-SDOHCC-ServiceRequestActiveFoodPantryApplicationAssistExample",
    ),
    "fulfillment-completed": (
        "Task-SDOHCC-TaskReferralManagementOrderFulfillmentCompletedExample",
        "ServiceRequest-SDOHCC-ServiceRequestActiveFoodPantryApplicationAssistExample",
    ),
    "subtask-accepted": (
        "Task-SDOHCC-TaskReferralManagementOrderSubtaskAcceptedExample",
        "ServiceRequest-SDOHCC-ServiceRequestSubreferralSummerFoodProgramExample",
    ),
    "subtask-completed": (
        "Task-SDOHCC-TaskReferralManagementOrderSubtaskCompletedExample",
        "ServiceRequest-SDOHCC-ServiceRequestSubreferralSummerFoodProgramExample",
    ),
}


def bundle(
    example: str = "fulfillment-accepted", *, leave_out: tuple[str, ...] = ()
) -> dict[str, Any]:
    task, service_request = EXAMPLES[example]
    entries = []
    for name in [service_request, task, *COMMON]:
        if any(name.startswith(prefix) for prefix in leave_out):
            continue
        resource = gravity(name)
        entries.append(
            {
                "fullUrl": f"http://ehr.example/fhir/{resource['resourceType']}/{resource['id']}",
                "resource": resource,
                "request": {"method": "POST", "url": resource["resourceType"]},
            }
        )
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def entry_of(data: dict[str, Any], resource_type: str) -> dict[str, Any]:
    return next(
        e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == resource_type
    )


@dataclass
class Registered:
    client: FhirClient
    key: Any
    kid: str

    def assertion(
        self, *, exp_in: int = 240, jti: str | None = None, aud: str = TOKEN_URL, alg: str = "RS384"
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": self.client.client_id,
            "sub": self.client.client_id,
            "aud": aud,
            "exp": now + exp_in,
            "iat": now,
            "jti": jti or uuid.uuid4().hex,
        }
        return jwt.encode(
            {"alg": alg, "kid": self.kid, "typ": "JWT"},
            claims,
            self.key,
            algorithms=["RS384", "ES384"],
        )

    def grant(self, http: Client, *, scope: str = ALL_SCOPES, **kwargs: Any) -> Any:
        form = urlencode(
            {
                "grant_type": "client_credentials",
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": self.assertion(**kwargs),
                "scope": scope,
            }
        )
        return http.post("/fhir/auth/token", form, content_type="application/x-www-form-urlencoded")

    def token(self, http: Client, scope: str = ALL_SCOPES) -> str:
        answer = self.grant(http, scope=scope)
        assert answer.status_code == 200, answer.content
        return answer.json()["access_token"]


def register(
    world: Any,
    *,
    organization: Any = None,
    programs: list[tuple[Any, str]] | None = None,
    ec: bool = False,
    name: str = "Deerland EHR",
) -> Registered:
    kid = uuid.uuid4().hex[:8]
    key = (
        ECKey.generate_key("P-384", parameters={"kid": kid})
        if ec
        else RSAKey.generate_key(2048, parameters={"kid": kid})
    )
    client = FhirClient.objects.create(
        name=name,
        organization=organization or world.org_a,
        jwks={"keys": [key.as_dict(private=False)]},
        created_by=world.users["coordinator"],
    )
    for program, alias in (
        programs if programs is not None else [(world.program_a, COORDINATION_PLATFORM)]
    ):
        FhirClientProgram.objects.create(client=client, program=program, owner_reference=alias)
    return Registered(client, key, kid)


def post_bundle(http: Client, token: str, data: dict[str, Any], **headers: str) -> Any:
    return http.post(
        "/fhir/",
        json.dumps(data),
        content_type="application/fhir+json",
        headers={"Authorization": f"Bearer {token}", **headers},
    )


def get(http: Client, token: str, url: str) -> Any:
    return http.get(url, headers={"Authorization": f"Bearer {token}"})
