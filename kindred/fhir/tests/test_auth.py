import pytest
from django.test import Client
from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from kindred.audit.models import AuditEvent
from kindred.fhir.models import AccessToken
from kindred.fhir.tests.helpers import register

pytestmark = pytest.mark.django_db


def test_it_grants_a_token_for_a_real_rs384_assertion(world):
    sender = register(world)
    http = Client()
    answer = sender.grant(http, scope="system/Task.read")
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["token_type"] == "bearer" and data["expires_in"] == 300
    assert data["scope"] == "system/Task.read"
    assert "no-store" in answer["Cache-Control"]
    row = AccessToken.objects.get()
    assert row.digest != data["access_token"]  # stored hashed
    assert AuditEvent.objects.filter(action="fhir.token.granted").count() == 1


def test_it_grants_a_token_for_an_es384_assertion(world):
    sender = register(world, ec=True)
    assert sender.grant(Client(), alg="ES384").status_code == 200


def refused(answer, error: str, words: str) -> None:
    assert answer.status_code in (400, 401), answer.content
    assert answer.json()["error"] == error
    assert words in answer.json()["error_description"]


def test_it_refuses_a_replayed_assertion(world):
    sender = register(world)
    http = Client()
    assert sender.grant(http, jti="once").status_code == 200
    refused(sender.grant(http, jti="once"), "invalid_client", "jti replayed")
    assert AccessToken.objects.count() == 1


def test_it_refuses_an_expired_assertion_and_one_that_lives_too_long(world):
    sender = register(world)
    http = Client()
    refused(sender.grant(http, exp_in=-120), "invalid_client", "expired")
    refused(sender.grant(http, exp_in=3600), "invalid_client", "five minutes")
    assert not AccessToken.objects.exists()


def test_it_refuses_a_wrong_scope_audience_key_or_revoked_client(world):
    sender = register(world)
    http = Client()
    refused(sender.grant(http, scope="system/Patient.read"), "invalid_scope", "system/Patient.read")
    refused(sender.grant(http, scope="user/Task.read"), "invalid_scope", "user/Task.read")
    refused(sender.grant(http, aud="http://elsewhere/token"), "invalid_client", "aud")
    impostor = register(world, name="Impostor")
    impostor.client = sender.client  # signs as the sender with another key
    refused(impostor.grant(http), "invalid_client", "signature")
    sender.client.revoked_at = sender.client.created_at
    sender.client.revoked_by = world.coordinator
    sender.client.save()
    refused(sender.grant(http), "invalid_client", "revoked")
    assert not AccessToken.objects.exists()
    assert AuditEvent.objects.filter(action="fhir.token.refused").count() == 5


def test_it_refuses_malformed_grants(world):
    http = Client()
    form = "application/x-www-form-urlencoded"
    refused(
        http.post("/fhir/auth/token", "grant_type=password", content_type=form),
        "unsupported_grant_type",
        "client_credentials",
    )
    body = "grant_type=client_credentials&client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer&client_assertion=abc&scope=system/Task.read"
    refused(http.post("/fhir/auth/token", body, content_type=form), "invalid_client", "not a JWT")
    assert http.get("/fhir/auth/token").status_code == 405


def test_a_revoked_clients_token_stops_working(world):
    sender = register(world)
    http = Client()
    token = sender.token(http)
    assert http.get("/fhir/Task", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    coordinator = world.client("coordinator")
    link = sender.client.links.get()
    assert coordinator.post(f"/fhir/clients/{link.pk}/revoke/").status_code == 302
    assert http.get("/fhir/Task", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_the_capability_statement_tells_what_is_supported(world):
    answer = Client().get("/fhir/metadata")
    assert answer.status_code == 200
    data = answer.json()
    CapabilityStatement.model_validate(data)
    rest = data["rest"][0]
    task = next(r for r in rest["resource"] if r["type"] == "Task")
    assert {i["code"] for i in task["interaction"]} == {"read", "search-type", "update", "create"}
    assert {p["name"] for p in task["searchParam"]} >= {"owner", "status", "_lastUpdated"}
    assert rest["interaction"] == [{"code": "transaction"}]
    token = rest["security"]["extension"][0]["extension"][0]["valueUri"]
    assert token == "http://testserver/fhir/auth/token"
    smart = Client().get("/fhir/.well-known/smart-configuration").json()
    assert smart["token_endpoint"] == token
    assert "RS384" in smart["token_endpoint_auth_signing_alg_values_supported"]


def test_a_browser_session_is_not_a_fhir_credential(world):
    answer = world.client("coordinator").get("/fhir/Task")
    assert answer.status_code == 403
    assert "not a browser session" in answer.json()["issue"][0]["diagnostics"]
