"""The FHIR interactions with each persona's credentials: a browser session is refused (403,
the permission walk), a personal API token is not a FHIR credential (401), and a FHIR client's
token reaches its own organization's Tasks and Subscriptions only (another's: 404, empty)."""

import json

import pytest
from django.test import Client

from kindred.apitokens.services import token_create
from kindred.core.testing.personas import PERSONAS
from kindred.fhir.tests.helpers import ALL_SCOPES, bundle, post_bundle, register
from kindred.referrals.models import Referral

pytestmark = pytest.mark.django_db
SCOPES = f"{ALL_SCOPES} system/Subscription.read system/Subscription.write"


def interactions(referral_id: int, subscription_id: str) -> list[tuple[str, str, object]]:
    return [
        ("GET", "/fhir/Task", None),
        ("GET", f"/fhir/Task/{referral_id}", None),
        (
            "PUT",
            f"/fhir/Task/{referral_id}",
            {"resourceType": "Task", "status": "cancelled", "intent": "order"},
        ),
        ("POST", "/fhir/", bundle()),
        ("GET", "/fhir/Subscription", None),
        ("GET", f"/fhir/Subscription/{subscription_id}", None),
        ("DELETE", f"/fhir/Subscription/{subscription_id}", None),
    ]


def call(http: Client, method: str, url: str, body: object, token: str):
    kwargs = {"headers": {"Authorization": f"Bearer {token}"}}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/fhir+json")
    return getattr(http, method.lower())(url, **kwargs)


@pytest.fixture
def setting(world, settings):
    settings.FHIR_SUBSCRIPTION_ALLOW_LOCAL = True
    sender = register(world)
    http = Client()
    token = sender.token(http, scope=SCOPES)
    assert post_bundle(http, token, bundle()).status_code == 200
    created = http.post(
        "/fhir/Subscription",
        json.dumps(
            {
                "resourceType": "Subscription",
                "status": "requested",
                "reason": "walk",
                "criteria": "Task",
                "channel": {"type": "rest-hook", "endpoint": "http://127.0.0.1:9/hook"},
            }
        ),
        content_type="application/fhir+json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert created.status_code == 201
    return sender, token, Referral.objects.get(), created.json()["id"]


def test_a_personas_api_token_is_not_a_fhir_credential(world, setting):
    _sender, _token, referral, subscription_id = setting
    http = Client()
    for persona in PERSONAS:
        if persona == "anonymous":
            continue
        user = world.users[persona]
        _row, secret = token_create(
            user=user, name="walk", programs=[world.program_a], can_write=True, days=30
        )
        for method, url, body in interactions(referral.pk, subscription_id):
            answer = call(http, method, url, body, secret)
            assert answer.status_code == 401, (persona, method, url, answer.status_code)
            assert answer.json()["resourceType"] == "OperationOutcome"


def test_another_organizations_client_reaches_nothing_of_it(world, setting):
    _sender, _token, referral, subscription_id = setting
    other = register(world, organization=world.org_b, programs=[(world.program_b, "")])
    http = Client()
    token = other.token(http, scope=SCOPES)
    for method, url, body in interactions(referral.pk, subscription_id):
        if url == "/fhir/":
            continue  # posting is its own referral to its own program (test_intake)
        answer = call(http, method, url, body, token)
        if url in ("/fhir/Task", "/fhir/Subscription"):
            assert answer.status_code == 200 and answer.json()["total"] == 0, url
        else:
            assert answer.status_code == 404, (method, url, answer.status_code)
    assert Referral.objects.get().status == "requested"


def test_the_senders_own_token_reaches_each_interaction(world, setting):
    _sender, token, referral, subscription_id = setting
    http = Client()
    statuses = [
        call(http, method, url, body, token).status_code
        for method, url, body in interactions(referral.pk, subscription_id)
    ]
    # The cancel lacks a reason: a 422 that says so, not a refusal of the caller.
    assert statuses == [200, 200, 422, 200, 200, 200, 204]
