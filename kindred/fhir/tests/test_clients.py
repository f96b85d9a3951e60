import json

import pytest
from joserfc.jwk import RSAKey

from kindred.audit.models import AuditEvent
from kindred.fhir.models import FhirClient

pytestmark = pytest.mark.django_db


def public_jwks() -> str:
    return json.dumps(
        {"keys": [RSAKey.generate_key(2048, parameters={"kid": "k"}).as_dict(private=False)]}
    )


def test_a_coordinator_registers_a_client_for_the_program(world):
    http = world.client("coordinator")
    page = http.get("/fhir/clients/")
    assert (
        page.status_code == 200
        and f"HealthcareService/{world.program_a.pk}" in page.content.decode()
    )
    answer = http.post(
        "/fhir/clients/",
        {
            "name": "Deerland Epic",
            "organization": world.org_a.pk,
            "owner_reference": "Organization/peer-support",
            "jwks": public_jwks(),
        },
    )
    assert answer.status_code == 302
    client = FhirClient.objects.get()
    assert client.links.get().program == world.program_a
    assert client.links.get().owner_reference == "Organization/peer-support"
    assert AuditEvent.objects.filter(
        action="fhir.client.registered", object_id=str(client.pk)
    ).exists()
    assert "Deerland Epic" in http.get("/fhir/clients/").content.decode()
    assert "Deerland Epic" not in world.client("outsider").get("/fhir/clients/").content.decode()


def test_bad_registrations_are_shown_again_with_their_errors(world):
    http = world.client("coordinator")
    private = json.dumps({"keys": [RSAKey.generate_key(2048).as_dict(private=True)]})
    cases = [
        ({"jwks": "not json"}, "JSON Web Key Set"),
        ({"jwks": private}, "private key"),
        ({"jwks": ""}, "public key set"),
        ({"jwks": "", "jwks_url": "http://ehr.example/jwks"}, "https"),
        ({"jwks": public_jwks(), "owner_reference": "no-slash"}, "Type/id"),
    ]
    for change, words in cases:
        data = {
            "name": "Deerland Epic",
            "organization": world.org_a.pk,
            "owner_reference": "",
        } | change
        answer = http.post("/fhir/clients/", data)
        assert answer.status_code == 400, words
        assert words in answer.content.decode()
        assert 'value="Deerland Epic"' in answer.content.decode()
    assert not FhirClient.objects.exists()


def test_a_program_closed_to_other_organizations_takes_no_client_of_theirs(world):
    world.program_a.accepts_outside_referrals = False
    world.program_a.save()
    answer = world.client("coordinator").post(
        "/fhir/clients/", {"name": "Other", "organization": world.org_b.pk, "jwks": public_jwks()}
    )
    assert answer.status_code == 400
    assert not FhirClient.objects.exists()
