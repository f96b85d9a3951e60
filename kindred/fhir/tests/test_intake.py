import json

import pytest
from django.test import Client
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome

from kindred.audit.models import AuditEvent
from kindred.families.models import Family
from kindred.fhir.tests.helpers import CLINIC, EXAMPLES, bundle, entry_of, post_bundle, register
from kindred.programs.models import Membership, Program, Role
from kindred.referrals.models import ExternalReferrer, Notification, Referral, Source

pytestmark = pytest.mark.django_db


def refused(response, status: int, words: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    data = response.json()
    OperationOutcome.model_validate(data)
    assert words in data["issue"][0]["diagnostics"], data
    return data


@pytest.fixture
def sender(world):
    world.program_a2 = Program.objects.create(
        organization=world.org_a, name="Program A2", slug="program-a2"
    )
    Membership.objects.create(
        user=world.coordinator, program=world.program_a2, role=Role.COORDINATOR
    )
    return register(
        world,
        programs=[
            (world.program_a, "Organization/SDOHCC-OrganizationCoordinationPlatformExample"),
            (world.program_a2, CLINIC),
        ],
    )


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_it_accepts_each_gravity_example_as_it_is(world, sender, example):
    http = Client()
    token = sender.token(http)
    data = bundle(example)
    response = post_bundle(http, token, data)
    assert response.status_code == 200, response.content
    answer = response.json()
    Bundle.model_validate(answer)
    assert answer["type"] == "transaction-response"
    assert [e["response"]["status"] for e in answer["entry"]] == ["201 Created"] * len(
        data["entry"]
    )
    referral = Referral.objects.get()
    task = entry_of(data, "Task")
    assert referral.source == Source.EHR
    assert referral.program == (
        world.program_a if example.startswith("fulfillment") else world.program_a2
    )
    assert referral.fhir_task_id == task["id"]
    assert referral.fhir_service_request_id == task["focus"]["reference"].split("/")[1]
    assert referral.status == "requested"
    # The parent as caregiver, the child, the consent.
    family = referral.family
    caregiver = family.caregivers.get()
    assert (caregiver.first_name, caregiver.last_name, caregiver.phone) == (
        "Eve",
        "Everywoman",
        "555-555-2003",
    )
    assert family.children.get().first_name == "COLIN"
    assert set(family.consents.values_list("scope", flat=True)) == {
        "contact",
        "share_status_with_referrer",
    }
    assert referral.consent_method == "written"  # the Consent carries the signed PDF
    # The requester, as an external referrer.
    referrer = referral.external_referrer
    if example.startswith("fulfillment"):
        assert referrer.name == "Dr Jan Water"
        assert referrer.organization_name == "Better Health Clinic"
        assert referrer.role == "Family Medicine Physician"
        assert referrer.email == "jan.water@deerland.org"
        assert referral.referrer_role == "physician"
        assert (
            referrer.fhir_reference == "PractitionerRole/SDOHCC-PractitionerRoleDrJanWaterExample"
        )
    else:
        assert referrer.organization_name == "ABC Coordination Platform"
        assert (
            referrer.fhir_reference == "Organization/SDOHCC-OrganizationCoordinationPlatformExample"
        )
    assert referrer.sender == sender.client.client_id
    # What Kindred has no field for, kept as received.
    kept = referral.fhir_received
    service_request = entry_of(data, "ServiceRequest")
    for name in ("intent", "category", "code", "basedOn"):
        if name in service_request:
            assert kept["ServiceRequest"][name] == service_request[name]
    for name in ("intent", "code", "partOf", "input"):
        if name in task:
            assert kept["Task"][name] == task[name]
    consent = entry_of(data, "Consent")
    assert kept["Consent"]["scope"] == consent["scope"]
    # The coordinators were told, as for the web form.
    assert Notification.objects.filter(
        referral=referral, kind="new-referral", recipient=world.coordinator
    ).exists()
    assert AuditEvent.objects.filter(
        action="referrals.referral.created",
        object_id=str(referral.pk),
        actor_label=f"fhir-client:{sender.client.client_id}".lower(),
    ).exists()
    assert AuditEvent.objects.filter(action="fhir.bundle.received").count() == 1


def test_it_creates_nothing_new_for_the_same_bundle_twice(world, sender):
    http = Client()
    token = sender.token(http)
    first = post_bundle(http, token, bundle())
    second = post_bundle(http, token, bundle())
    assert first.status_code == second.status_code == 200
    assert second.json()["entry"][0]["response"]["status"] == "200 OK"
    assert Referral.objects.count() == 1
    assert Family.objects.count() == 1
    assert ExternalReferrer.objects.count() == 1
    task_location = [
        e["response"].get("location") for e in second.json()["entry"] if "location" in e["response"]
    ]
    assert task_location == [f"Task/{Referral.objects.get().pk}/_history/1"]


def test_it_honours_if_none_exist(world, sender):
    http = Client()
    token = sender.token(http)
    data = bundle()
    entry_of(data, "ServiceRequest")["identifier"] = [
        {"system": "http://ehr.example/orders", "value": "A-1"}
    ]
    assert post_bundle(http, token, data).status_code == 200
    other = bundle()
    other["entry"][0]["resource"]["id"] = "another-id"
    other["entry"][1]["resource"]["focus"]["reference"] = "ServiceRequest/another-id"
    other["entry"][0]["request"]["ifNoneExist"] = "identifier=http://ehr.example/orders|A-1"
    response = post_bundle(http, token, other)
    assert response.status_code == 200
    assert response.json()["entry"][0]["response"]["status"] == "200 OK"
    assert Referral.objects.count() == 1
    # The same as a header.
    response = post_bundle(
        http, token, other | {}, If_None_Exist="identifier=http://ehr.example/orders|A-1"
    )
    assert Referral.objects.count() == 1
    unsupported = post_bundle(http, token, other, If_None_Exist="name=Eve")
    refused(unsupported, 400, "identifier=system|value")


def test_a_second_service_request_for_the_same_family_is_flagged_as_a_possible_duplicate(
    world, sender
):
    http = Client()
    token = sender.token(http)
    post_bundle(http, token, bundle())
    other = bundle()
    other["entry"][0]["resource"]["id"] = "sr-2"
    other["entry"][1]["resource"]["focus"]["reference"] = "ServiceRequest/sr-2"
    assert post_bundle(http, token, other).status_code == 200
    first, second = Referral.objects.order_by("pk")
    assert second.family == first.family and second.linked_existing_family
    assert second.duplicate_of == first


def nothing_saved() -> None:
    assert Referral.objects.count() == 0
    assert Family.objects.count() == 0
    assert ExternalReferrer.objects.count() == 0


def test_it_refuses_a_bundle_without_consent(world, sender):
    http = Client()
    response = post_bundle(http, sender.token(http), bundle(leave_out=("Consent",)))
    refused(response, 422, "no active Consent")
    nothing_saved()
    assert AuditEvent.objects.filter(
        action="fhir.request.refused", detail__reason="no_consent"
    ).exists()


def test_it_refuses_a_consent_that_is_not_active_or_denies(world, sender):
    http = Client()
    token = sender.token(http)
    for change in ({"status": "inactive"}, {"provision": {"type": "deny"}}):
        data = bundle()
        entry_of(data, "Consent").update(change)
        refused(post_bundle(http, token, data), 422, "no active Consent")
    nothing_saved()


def test_it_refuses_a_program_that_does_not_accept_the_senders_referrals(world):
    world.program_b.accepts_outside_referrals = False
    world.program_b.save()
    sender = register(
        world,
        programs=[(world.program_b, "Organization/SDOHCC-OrganizationCoordinationPlatformExample")],
    )
    http = Client()
    refused(post_bundle(http, sender.token(http), bundle()), 422, "does not accept referrals from")
    nothing_saved()


def test_it_refuses_an_unknown_program(world, sender):
    http = Client()
    data = bundle()
    entry_of(data, "Task")["owner"] = {"reference": f"HealthcareService/{world.program_b.pk}"}
    refused(
        post_bundle(http, sender.token(http), data), 422, "not a program this client may refer to"
    )
    nothing_saved()


def test_kindreds_own_name_for_the_program_is_accepted(world, sender):
    http = Client()
    data = bundle()
    entry_of(data, "Task")["owner"] = {"reference": f"HealthcareService/{world.program_a.pk}"}
    assert post_bundle(http, sender.token(http), data).status_code == 200
    assert Referral.objects.get().program == world.program_a


def test_it_refuses_a_dangling_reference(world, sender):
    http = Client()
    data = bundle()
    entry_of(data, "Task")["focus"] = {"reference": "ServiceRequest/nowhere"}
    refused(post_bundle(http, sender.token(http), data), 422, "dangling reference")
    nothing_saved()


def test_it_refuses_a_bundle_without_the_parent(world, sender):
    http = Client()
    refused(
        post_bundle(http, sender.token(http), bundle(leave_out=("RelatedPerson",))),
        422,
        "RelatedPerson",
    )
    nothing_saved()


def test_a_parent_without_phone_or_email_is_refused_with_the_services_message(world, sender):
    http = Client()
    data = bundle()
    entry_of(data, "RelatedPerson").pop("telecom")
    entry_of(data, "Patient").pop("telecom")
    refused(post_bundle(http, sender.token(http), data), 422, "phone number or an e-mail")
    nothing_saved()


def test_it_answers_bad_input_with_a_4xx_never_a_500(world, sender):
    http = Client()
    token = sender.token(http)
    auth = {"Authorization": f"Bearer {token}"}
    cases = [
        (b"{not json", 400, "not valid JSON"),
        (b"\x00\x01", 400, "not valid JSON"),
        (json.dumps({"resourceType": "Patient", "id": "x"}).encode(), 400, "Expected a Bundle"),
        (json.dumps({"resourceType": "Bundle", "type": "batch"}).encode(), 400, "transaction"),
        (
            json.dumps(
                {
                    "resourceType": "Bundle",
                    "type": "transaction",
                    "entry": [
                        {
                            "resource": {"resourceType": "Nope"},
                            "request": {"method": "POST", "url": "Nope"},
                        }
                    ],
                }
            ).encode(),
            400,
            "Unknown resource type",
        ),
        (
            json.dumps(
                {
                    "resourceType": "Bundle",
                    "type": "transaction",
                    "entry": [
                        {
                            "resource": {
                                "resourceType": "Task",
                                "status": "requested",
                                "intent": "order",
                                "authoredOn": "not-a-date",
                            },
                            "request": {"method": "POST", "url": "Task"},
                        }
                    ],
                }
            ).encode(),
            400,
            "not valid FHIR",
        ),
        (json.dumps(bundle()).replace("Everywoman", "Every\\u0000woman").encode(), 400, "NUL"),
        (json.dumps([1, 2]).encode(), 400, "JSON object"),
    ]
    for body, status, words in cases:
        response = http.post("/fhir/", body, content_type="application/fhir+json", headers=auth)
        refused(response, status, words)
    huge = (
        b'{"resourceType": "Bundle", "type": "transaction", "x": "'
        + b"a" * (3 * 1024 * 1024)
        + b'"}'
    )
    refused(
        http.post("/fhir/", huge, content_type="application/fhir+json", headers=auth), 413, "2 MB"
    )
    wrong_type = http.post("/fhir/", b"<Bundle/>", content_type="application/xml", headers=auth)
    refused(wrong_type, 415, "application/fhir+json")
    nothing_saved()


def test_it_needs_a_token_that_allows_creating(world, sender):
    http = Client()
    read_only = sender.token(http, scope="system/Task.read")
    refused(post_bundle(http, read_only, bundle()), 403, "scopes do not allow")
    refused(post_bundle(http, "not-a-token", bundle()), 401, "unknown, expired or revoked")
    anonymous = http.post("/fhir/", json.dumps(bundle()), content_type="application/fhir+json")
    refused(anonymous, 401, "Bearer")
    assert anonymous["WWW-Authenticate"].startswith("Bearer")
    nothing_saved()


def test_the_refusal_is_in_the_callers_language(world, sender):
    http = Client()
    response = post_bundle(
        http, sender.token(http), bundle(leave_out=("Consent",)), Accept_Language="es"
    )
    refused(response, 422, "no trae un Consent activo")
    nothing_saved()
