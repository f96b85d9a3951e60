"""The demo's EHR connection, for the `curl` walk-through of docs/fhir.md.

`manage.py load_demo` registers "Demo EHR (published test key)" for the demo program with the
public half of the key below. The private key is **published on purpose**: anyone can sign an
assertion for this client, so it is made only while DEBUG is on (`make run`), never in a
deployment. `manage.py fhir_demo assertion` signs one; `manage.py fhir_demo bundle` prints a
Gravity referral bundle (the published examples as they are) whose Task's owner is the
reference the demo client uses for the program.
"""

import json
import time
import uuid
from typing import Any

from django.conf import settings
from joserfc import jwt
from joserfc.jwk import ECKey

from kindred.fhir.models import FhirClient, FhirClientProgram
from kindred.lib.demo import DemoContext
from kindred.lib.standards import GRAVITY_FHIR_DIR

DEMO_CLIENT_ID = "kindred-demo-ehr"
DEMO_KID = "kindred-demo-ehr-1"
# Demo only (see above): an EC P-384 key for ES384, generated for this walk-through.
DEMO_PRIVATE_KEY = """-----BEGIN PRIVATE KEY-----
MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDCzahfkHNb005nGXsbg
0lI3Ci5AUarlV2nZEz4w4CrGE6fQ9a0puvxy922LNG6RB0ihZANiAATqHwpJfq4c
Wdl+QAN7FUGw6Lg1v/OTRpIkJbhNPARxQqkBC+Ton+HeiXag8wi23Y524uJczmvn
GLj7/YGk0CIEgkWusL9KjIwBg1TBsoULzd+e790WP0nKZZRkTn9KPCU=
-----END PRIVATE KEY-----
"""
# The reference the Gravity examples' Task.owner carries (their coordination platform).
DEMO_OWNER = "Organization/SDOHCC-OrganizationCoordinationPlatformExample"
SCOPES = "system/ServiceRequest.write system/Task.read system/Task.write"
GRAVITY_BUNDLE = [
    "ServiceRequest-SDOHCC-ServiceRequestActiveFoodPantryApplicationAssistExample",
    "Task-SDOHCC-TaskReferralManagementOrderFulfillmentAcceptedExample",
    "Patient-pat-53234",
    "RelatedPerson-SDOHCC-RelatedPersonMotherExample",
    "PractitionerRole-SDOHCC-PractitionerRoleDrJanWaterExample",
    "Practitioner-SDOHCC-PractitionerDrJanWaterExample",
    "Organization-SDOHCC-OrganizationClinicExample",
    "Organization-SDOHCC-OrganizationCoordinationPlatformExample",
    "Consent-SDOHCC-ConsentInformationDisclosureExample",
]


def demo_key() -> ECKey:
    return ECKey.import_key(
        DEMO_PRIVATE_KEY, parameters={"kid": DEMO_KID, "alg": "ES384", "use": "sig"}
    )


def public_jwks() -> dict[str, Any]:
    return {"keys": [demo_key().as_dict(private=False)]}


def assertion(token_url: str, *, lifetime: int = 240) -> str:
    """A SMART Backend Services client assertion for the demo client (ES384, fresh jti)."""
    now = int(time.time())
    claims = {
        "iss": DEMO_CLIENT_ID,
        "sub": DEMO_CLIENT_ID,
        "aud": token_url,
        "iat": now,
        "exp": now + lifetime,
        "jti": uuid.uuid4().hex,
    }
    header = {"alg": "ES384", "kid": DEMO_KID, "typ": "JWT"}
    return jwt.encode(header, claims, demo_key(), algorithms=["ES384"])


def gravity_bundle() -> dict[str, Any]:
    """A transaction Bundle of the published Gravity examples, unchanged."""
    entries = []
    for name in GRAVITY_BUNDLE:
        resource = json.loads((GRAVITY_FHIR_DIR / f"{name}.json").read_text(encoding="utf-8"))
        entries.append(
            {
                "fullUrl": f"http://ehr.example/fhir/{resource['resourceType']}/{resource['id']}",
                "resource": resource,
                "request": {"method": "POST", "url": resource["resourceType"]},
            }
        )
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def load(ctx: DemoContext) -> None:
    if not settings.DEBUG:
        ctx.say("fhir: the demo EHR client (published test key) is made only while DEBUG is on")
        return
    client, created = FhirClient.objects.get_or_create(
        client_id=DEMO_CLIENT_ID,
        defaults={
            "name": "Demo EHR (published test key)",
            "organization": ctx.organization,
            "jwks": public_jwks(),
            "created_by": ctx.users["coordinator"],
        },
    )
    FhirClientProgram.objects.get_or_create(
        client=client, program=ctx.program, defaults={"owner_reference": DEMO_OWNER}
    )
    ctx.say(
        "fhir: demo EHR client "
        + ("registered" if created else "already registered")
        + f" ({DEMO_CLIENT_ID}; docs/fhir.md walks through it with curl)"
    )
