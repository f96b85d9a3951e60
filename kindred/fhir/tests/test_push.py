"""Subscriptions (rest-hook): a real HTTP receiver on 127.0.0.1 gets each new version of the
sender's Task after a change in Kindred's web pages; a failing receiver is retried with backoff
and the subscription then reads `error`; nothing goes without the family's consent."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from fhir.resources.R4B.subscription import Subscription as FhirSubscription
from fhir.resources.R4B.task import Task

from kindred.audit.models import AuditEvent
from kindred.families.consent import consent_record
from kindred.families.models import Consent
from kindred.fhir import push
from kindred.fhir.models import Delivery, Subscription
from kindred.fhir.tests.helpers import (
    ALL_SCOPES,
    COORDINATION_PLATFORM,
    bundle,
    get,
    post_bundle,
    register,
)
from kindred.referrals.models import Referral

pytestmark = pytest.mark.django_db
SCOPES = f"{ALL_SCOPES} system/Subscription.read system/Subscription.write"


class Receiver:
    """A small HTTP server in a thread: keeps what it is sent, answers `status`."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _take(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                receiver.received.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": json.loads(body) if body else None,
                    }
                )
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_PUT = do_POST = _take

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def local_endpoints(settings):
    # The receiver listens on 127.0.0.1 over http, which only development allows.
    settings.FHIR_SUBSCRIPTION_ALLOW_LOCAL = True


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.stop()


@pytest.fixture
def sent(world):
    sender = register(world)
    http = Client()
    token = sender.token(http, scope=SCOPES)
    assert post_bundle(http, token, bundle()).status_code == 200
    return sender, http, token, Referral.objects.get()


def subscribe(http, token, endpoint, **changes):
    resource = {
        "resourceType": "Subscription",
        "status": "requested",
        "reason": "Follow our referrals",
        "criteria": f"Task?owner={COORDINATION_PLATFORM}",
        "channel": {
            "type": "rest-hook",
            "endpoint": endpoint,
            "payload": "application/fhir+json",
            "header": ["Authorization: Bearer hook-secret"],
        },
        **changes,
    }
    return http.post(
        "/fhir/Subscription",
        json.dumps(resource),
        content_type="application/fhir+json",
        headers={"Authorization": f"Bearer {token}"},
    )


def move_on_the_page(world, referral, to, django_capture_on_commit_callbacks, **extra):
    page = world.client("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        answer = page.post(f"/referrals/{referral.pk}/status/", {"status-to": to, **extra})
    assert answer.status_code == 302, answer.content
    referral.refresh_from_db()


def test_it_puts_the_changed_task_to_the_receiver_after_a_move_in_the_web_page(
    world, sent, receiver, django_capture_on_commit_callbacks
):
    _sender, http, token, referral = sent
    created = subscribe(http, token, receiver.url)
    assert created.status_code == 201, created.content
    resource = created.json()
    FhirSubscription.model_validate(resource)
    assert resource["status"] == "active"
    assert resource["channel"]["header"] == ["Authorization: ****"]  # the secret is not read back

    move_on_the_page(world, referral, "accepted", django_capture_on_commit_callbacks)

    [call] = receiver.received
    assert call["method"] == "PUT" and call["path"] == f"/hook/Task/{referral.pk}"
    assert call["headers"]["Authorization"] == "Bearer hook-secret"
    assert call["headers"]["Content-Type"].startswith("application/fhir+json")
    task = call["body"]
    Task.model_validate(task)
    assert task["status"] == "accepted"
    assert task["meta"]["versionId"] == str(referral.version)
    assert "note" not in task
    assert task == get(http, token, f"/fhir/Task/{referral.pk}").json()  # what it reads
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("sent", 1, 200)
    event = AuditEvent.objects.get(action="fhir.subscription.notified")
    assert event.object_id == str(referral.pk) and event.detail["outcome"] == "sent"


def test_a_failing_receiver_is_retried_with_backoff_then_the_subscription_reads_error(
    world, sent, receiver, django_capture_on_commit_callbacks
):
    _sender, http, token, referral = sent
    subscription_id = subscribe(http, token, receiver.url).json()["id"]
    receiver.status = 500
    move_on_the_page(world, referral, "accepted", django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("pending", 1)
    first_wait = delivery.next_attempt_at - delivery.last_attempt_at
    assert first_wait == push.BACKOFF[0]
    # Not due yet: nothing is tried.
    assert push.deliver_due(now=delivery.last_attempt_at + timedelta(seconds=1)) == {}
    moment = delivery.next_attempt_at
    for _ in range(push.MAX_ATTEMPTS - 1):
        push.deliver_due(now=moment)
        delivery.refresh_from_db()
        moment = delivery.next_attempt_at
    assert (delivery.state, delivery.attempts) == ("failed", push.MAX_ATTEMPTS)
    assert len(receiver.received) == push.MAX_ATTEMPTS
    subscription = Subscription.objects.get(pk=subscription_id)
    assert subscription.status == "error" and "HTTP 500" in subscription.error
    assert subscription.transitions.get().to_status == "error"
    read = get(http, token, f"/fhir/Subscription/{subscription_id}").json()
    assert read["status"] == "error" and "HTTP 500" in read["error"]
    assert AuditEvent.objects.filter(action="fhir.subscription.failed").count() == 1

    receiver.status = 204  # it recovers: the next change goes, the subscription is active
    move_on_the_page(world, referral, "in-progress", django_capture_on_commit_callbacks)
    assert receiver.received[-1]["body"]["status"] == "in-progress"
    subscription.refresh_from_db()
    assert subscription.status == "active" and subscription.error == ""


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_on_the_database_backend_a_retry_is_a_deferred_task(
    world, sent, receiver, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    _sender, http, token, referral = sent
    subscribe(http, token, receiver.url)
    receiver.status = 503
    move_on_the_page(world, referral, "accepted", django_capture_on_commit_callbacks)
    [queued] = DBTaskResult.objects.filter(task_path="kindred.fhir.push.deliver")
    delivery = Delivery.objects.get()
    assert queued.args_kwargs["kwargs"] == {"delivery_id": delivery.pk}
    with django_capture_on_commit_callbacks(execute=True):
        push.attempt(delivery.pk, now=timezone.now() + timedelta(days=1))
    runs = DBTaskResult.objects.filter(task_path="kindred.fhir.push.deliver").order_by(
        "enqueued_at"
    )
    assert runs.count() == 2 and runs.last().run_after is not None


def test_nothing_is_sent_while_the_family_does_not_share_its_progress(
    world, sent, receiver, django_capture_on_commit_callbacks
):
    _sender, http, token, referral = sent
    subscribe(http, token, receiver.url)
    consent_record(
        family=referral.family,
        scope=Consent.Scope.SHARE_STATUS_WITH_REFERRER,
        decision=Consent.Decision.WITHDRAWN,
        method=Consent.Method.VERBAL,
        by=world.coordinator,
    )
    move_on_the_page(world, referral, "accepted", django_capture_on_commit_callbacks)
    assert receiver.received == [] and not Delivery.objects.exists()
    # Agreeing again sends the Task the sender may now read.
    with django_capture_on_commit_callbacks(execute=True):
        consent_record(
            family=referral.family,
            scope=Consent.Scope.SHARE_STATUS_WITH_REFERRER,
            decision=Consent.Decision.GRANTED,
            method=Consent.Method.VERBAL,
            by=world.coordinator,
        )
    assert [c["body"]["status"] for c in receiver.received] == ["accepted"]


def test_a_withdrawal_between_the_change_and_the_send_withholds_it(
    world, sent, receiver, django_capture_on_commit_callbacks
):
    _sender, http, token, referral = sent
    subscribe(http, token, receiver.url)
    receiver.status = 500
    move_on_the_page(world, referral, "accepted", django_capture_on_commit_callbacks)
    consent_record(
        family=referral.family,
        scope=Consent.Scope.SHARE_STATUS_WITH_REFERRER,
        decision=Consent.Decision.WITHDRAWN,
        method=Consent.Method.VERBAL,
        by=world.coordinator,
    )
    receiver.status = 200
    push.deliver_due(now=timezone.now() + timedelta(days=1))
    assert Delivery.objects.get().state == "withheld"
    assert len(receiver.received) == 1  # only the failed first attempt


def test_criteria_by_status_and_a_payload_less_notice(
    world, sent, receiver, django_capture_on_commit_callbacks
):
    _sender, http, token, referral = sent
    answer = subscribe(
        http,
        token,
        receiver.url,
        criteria="Task?status=completed,cancelled",
        channel={"type": "rest-hook", "endpoint": receiver.url},
    )
    assert answer.status_code == 201, answer.content
    move_on_the_page(world, referral, "accepted", django_capture_on_commit_callbacks)
    assert receiver.received == []
    move_on_the_page(
        world,
        referral,
        "cancelled",
        django_capture_on_commit_callbacks,
        **{"status-reason": "other"},
    )
    [call] = receiver.received
    assert call["method"] == "POST" and call["path"] == "/hook" and call["body"] is None


def test_it_reads_searches_and_deletes_a_subscription(
    world, sent, receiver, django_capture_on_commit_callbacks
):
    _sender, http, token, referral = sent
    pk = subscribe(http, token, receiver.url).json()["id"]
    found = get(http, token, "/fhir/Subscription?status=active").json()
    assert [e["resource"]["id"] for e in found["entry"]] == [pk]
    gone = http.delete(f"/fhir/Subscription/{pk}", headers={"Authorization": f"Bearer {token}"})
    assert gone.status_code == 204
    assert get(http, token, f"/fhir/Subscription/{pk}").status_code == 410
    assert get(http, token, "/fhir/Subscription").json()["total"] == 0
    move_on_the_page(world, referral, "accepted", django_capture_on_commit_callbacks)
    assert receiver.received == []
    assert Subscription.objects.get(pk=pk).status == "off"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "fhir.subscription.created",
        "fhir.subscription.searched",
        "fhir.subscription.deleted",
        "fhir.subscription.ended",
    } <= actions


def test_it_validates_ownership(world, sent, receiver, django_capture_on_commit_callbacks):
    _sender, http, token, referral = sent
    pk = subscribe(http, token, receiver.url).json()["id"]
    other = register(world, organization=world.org_b, programs=[(world.program_b, "")])
    other_token = other.token(http, scope=SCOPES)
    assert get(http, other_token, f"/fhir/Subscription/{pk}").status_code == 404
    assert get(http, other_token, "/fhir/Subscription").json()["total"] == 0
    deleted = http.delete(
        f"/fhir/Subscription/{pk}", headers={"Authorization": f"Bearer {other_token}"}
    )
    assert deleted.status_code == 404
    # It cannot subscribe to another client's program, nor hear of its Tasks.
    refused = subscribe(http, other_token, receiver.url)
    assert refused.status_code == 422 and refused.json()["resourceType"] == "OperationOutcome"
    assert subscribe(http, other_token, receiver.url, criteria="Task").status_code == 201
    move_on_the_page(world, referral, "accepted", django_capture_on_commit_callbacks)
    assert {c["headers"]["Authorization"] for c in receiver.received} == {"Bearer hook-secret"}
    assert len(receiver.received) == 1


@pytest.mark.parametrize(
    "changes, status",
    [
        ({"channel": {"type": "websocket", "endpoint": "http://127.0.0.1:1/x"}}, 422),
        ({"channel": {"type": "rest-hook", "endpoint": "ftp://127.0.0.1/x"}}, 422),
        ({"criteria": "Patient?name=x"}, 422),
        ({"criteria": "Task?_lastUpdated=gt2026-01-01"}, 422),
        ({"criteria": "Task?status=nonsense"}, 422),
        ({"status": "off"}, 422),
        ({"reason": None}, 400),  # R4: reason is required
        ({"resourceType": "Task"}, 400),
        (
            {"channel": {"type": "rest-hook", "endpoint": "http://x/", "header": ["no colon"]}},
            422,
        ),
    ],
)
def test_it_refuses_a_bad_subscription(world, sent, changes, status):
    _sender, http, token, _referral = sent
    answer = subscribe(http, token, "http://127.0.0.1:9/hook", **changes)
    assert answer.status_code == status, answer.content
    assert answer.json()["resourceType"] == "OperationOutcome"
    assert not Subscription.objects.exists()


@override_settings(FHIR_SUBSCRIPTION_ALLOW_LOCAL=False)
def test_outside_development_the_endpoint_is_https_and_not_private(world, sent):
    _sender, http, token, _referral = sent
    assert subscribe(http, token, "http://hooks.example/x").status_code == 422
    assert subscribe(http, token, "https://127.0.0.1/x").status_code == 422
    assert subscribe(http, token, "https://10.1.2.3/x").status_code == 422
    assert not Subscription.objects.exists()


def test_it_needs_a_subscription_scope(world, sent):
    sender, http, _token, _referral = sent
    token = sender.token(http)  # Task and ServiceRequest scopes only
    answer = subscribe(http, token, "http://127.0.0.1:9/hook")
    assert answer.status_code == 403
    assert get(http, token, "/fhir/Subscription").status_code == 403
