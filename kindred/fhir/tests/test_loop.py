import json

import pytest
from django.test import Client
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.task import Task

from kindred.audit.models import AuditEvent
from kindred.families.consent import consent_record
from kindred.families.models import Consent
from kindred.fhir.tests.helpers import bundle, get, post_bundle, register
from kindred.referrals.models import Referral
from kindred.referrals.services import referral_move

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(world):
    sender = register(world)
    http = Client()
    token = sender.token(http)
    assert post_bundle(http, token, bundle()).status_code == 200
    return sender, http, token, Referral.objects.get()


def read(http, token, referral):
    answer = get(http, token, f"/fhir/Task/{referral.pk}")
    assert answer.status_code == 200, answer.content
    Task.model_validate(answer.json())
    return answer


def test_a_status_change_in_kindred_shows_in_the_task_and_its_version(world, sent):
    _sender, http, token, referral = sent
    first = read(http, token, referral)
    task = first.json()
    assert task["status"] == "requested"
    assert task["intent"] == "order" and task["code"]["coding"][0]["code"] == "fulfill"
    assert task["focus"] == {
        "reference": "ServiceRequest/SDOHCC-ServiceRequestActiveFoodPantryApplicationAssistExample"
    }
    assert (
        task["owner"]["reference"] == "Organization/SDOHCC-OrganizationCoordinationPlatformExample"
    )
    assert first["ETag"] == f'W/"{task["meta"]["versionId"]}"'
    referral_move(referral=referral, to="accepted", by=world.coordinator)
    referral_move(referral=referral, to="in-progress", by=world.coordinator)
    referral.refresh_from_db()
    referral.change_step(step="matched", by=world.coordinator)
    second = read(http, token, referral).json()
    assert second["status"] == "in-progress"
    assert second["businessStatus"]["coding"][0]["code"] == "matched"
    assert second["output"][0]["valueCodeableConcept"]["coding"][0]["code"] == "matched"
    assert int(second["meta"]["versionId"]) > int(task["meta"]["versionId"])
    assert second["meta"]["lastUpdated"] > task["meta"]["lastUpdated"]
    assert "note" not in second
    assert (
        AuditEvent.objects.filter(action="fhir.task.viewed", object_id=str(referral.pk)).count()
        == 2
    )


def test_without_the_familys_consent_the_sender_sees_only_received(world, sent):
    _sender, http, token, referral = sent
    referral_move(referral=referral, to="accepted", by=world.coordinator)
    consent_record(
        family=referral.family,
        scope=Consent.Scope.SHARE_STATUS_WITH_REFERRER,
        decision=Consent.Decision.WITHDRAWN,
        method=Consent.Method.VERBAL,
        by=world.coordinator,
    )
    task = read(http, token, referral).json()
    assert task["status"] == "received"
    assert task["meta"]["versionId"] == "1"
    assert "statusReason" not in task and "output" not in task and "executionPeriod" not in task
    search = get(http, token, "/fhir/Task?status=accepted").json()
    assert search["total"] == 0  # the hidden status is not searchable either
    assert get(http, token, "/fhir/Task?status=received").json()["total"] == 1


def test_the_search_filters_by_owner_status_and_last_updated(world, sent):
    _sender, http, token, referral = sent
    owner = "Organization/SDOHCC-OrganizationCoordinationPlatformExample"
    answer = get(http, token, f"/fhir/Task?owner={owner}&status=requested")
    assert answer.status_code == 200
    data = answer.json()
    Bundle.model_validate(data)
    assert data["total"] == 1 and data["entry"][0]["resource"]["id"] == str(referral.pk)
    since = data["entry"][0]["resource"]["meta"]["lastUpdated"]
    assert get(http, token, f"/fhir/Task?_lastUpdated=gt{since}").json()["total"] == 0
    assert get(http, token, f"/fhir/Task?_lastUpdated=ge{since}").json()["total"] == 1
    referral_move(referral=referral, to="accepted", by=world.coordinator)
    assert get(http, token, f"/fhir/Task?_lastUpdated=gt{since}").json()["total"] == 1
    assert get(http, token, "/fhir/Task?owner=HealthcareService/999999").json()["total"] == 0
    for bad in ("_lastUpdated=gtyesterday", "status=bogus", "name=Eve", "_count=x"):
        answer = get(http, token, f"/fhir/Task?{bad}")
        assert answer.status_code == 400, bad
        assert answer.json()["resourceType"] == "OperationOutcome"


def test_another_organizations_client_sees_nothing(world, sent):
    _sender, _http, _token, referral = sent
    other = register(
        world, organization=world.org_b, programs=[(world.program_b, "")], name="Other EHR"
    )
    http = Client()
    token = other.token(http)
    assert get(http, token, f"/fhir/Task/{referral.pk}").status_code == 404
    assert get(http, token, "/fhir/Task").json()["total"] == 0
    answer = http.put(
        f"/fhir/Task/{referral.pk}",
        json.dumps(
            {
                "resourceType": "Task",
                "status": "cancelled",
                "intent": "order",
                "statusReason": {"text": "x"},
            }
        ),
        content_type="application/fhir+json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 404
    referral.refresh_from_db()
    assert referral.status == "requested"


def put(http, token, referral, body, **headers):
    return http.put(
        f"/fhir/Task/{referral.pk}",
        json.dumps(body),
        content_type="application/fhir+json",
        headers={"Authorization": f"Bearer {token}", **headers},
    )


def test_the_sender_may_cancel_its_task_with_a_reason_and_nothing_else(world, sent):
    _sender, http, token, referral = sent
    task = read(http, token, referral)
    body = task.json()
    refused = put(http, token, referral, body | {"status": "completed"})
    assert refused.status_code == 422 and "only cancel" in refused.json()["issue"][0]["diagnostics"]
    no_reason = put(http, token, referral, body | {"status": "cancelled"})
    assert no_reason.status_code == 422
    stale = put(
        http,
        token,
        referral,
        body | {"status": "cancelled", "statusReason": {"text": "Family moved"}},
        If_Match='W/"999"',
    )
    assert stale.status_code == 412
    referral.refresh_from_db()
    assert referral.status == "requested"
    done = put(
        http,
        token,
        referral,
        body | {"status": "cancelled", "statusReason": {"text": "Family moved away"}},
        If_Match=task["ETag"],
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "cancelled"
    referral.refresh_from_db()
    assert referral.status == "cancelled" and referral.status_reason == "other"
    transition = referral.transitions.last()
    assert transition.to_status == "cancelled" and "Family moved away" in transition.note
    assert AuditEvent.objects.filter(
        action="referrals.referral.status_changed", object_id=str(referral.pk)
    ).exists()
    again = put(http, token, referral, done.json() | {"statusReason": {"text": "again"}})
    assert again.status_code == 409


def test_reading_needs_the_read_scope(world, sent):
    sender, http, _token, referral = sent
    write_only = sender.token(http, scope="system/ServiceRequest.write")
    assert get(http, write_only, f"/fhir/Task/{referral.pk}").status_code == 403
    assert get(http, write_only, "/fhir/Task/not-a-number").status_code == 403
    token = sender.token(http, scope="system/Task.read")
    assert get(http, token, "/fhir/Task/not-a-number").status_code == 404


def test_a_status_change_on_the_coordinators_page_moves_the_task(world, sent):
    _sender, http, token, referral = sent
    before = read(http, token, referral).json()
    page = world.client("coordinator").post(
        f"/referrals/{referral.pk}/status/",
        {"status-to": "accepted", "status-reason": "", "status-note": ""},
    )
    assert page.status_code == 302, page.content[:300]
    after = read(http, token, referral)
    assert after.json()["status"] == "accepted"
    assert after.json()["meta"]["versionId"] != before["meta"]["versionId"]
    assert after["ETag"] != f'W/"{before["meta"]["versionId"]}"'
