"""SMART's own Python client (fhirclient) against Kindred over the live server: it reads the
CapabilityStatement with its R4 models, finds the token endpoint there, gets a token with a
JWT assertion signed by a key generated here, posts a Gravity bundle and reads the Task back."""

import pytest
from fhirclient import client as smart
from fhirclient.models.capabilitystatement import CapabilityStatement
from fhirclient.models.task import Task

from kindred.core.testing.personas import build_world
from kindred.fhir.tests.helpers import ALL_SCOPES, bundle, register
from kindred.referrals.models import Referral
from kindred.referrals.services import referral_move


@pytest.mark.django_db(transaction=True)
def test_fhirclient_drives_the_endpoint(live_server):
    world = build_world()
    sender = register(world)
    base = f"{live_server.url}/fhir/"
    fhir = smart.FHIRClient(
        settings={
            "app_id": sender.client.client_id,
            "api_base": base,
            "scope": ALL_SCOPES,
            "jwt_token": sender.assertion(aud=f"{live_server.url}/fhir/auth/token"),
        }
    )
    fhir.wants_patient = False
    capability = fhir.server.capabilityStatement
    assert isinstance(capability, CapabilityStatement)
    assert capability.rest[0].interaction[0].code == "transaction"
    fhir.authorize()
    assert fhir.ready

    answer = fhir.server.post_json("", bundle())
    assert answer.status_code == 200
    referral = Referral.objects.get()

    task = Task.read(str(referral.pk), fhir.server)
    assert task.status == "requested"
    assert task.owner.reference == "Organization/SDOHCC-OrganizationCoordinationPlatformExample"
    referral_move(referral=referral, to="accepted", by=world.coordinator)
    found = Task.where({"status": "accepted"}).perform_resources(fhir.server)
    assert [t.id for t in found] == [str(referral.pk)]
    assert int(found[0].meta.versionId) > int(task.meta.versionId)
