"""Sharing from a family's page: the family rides through the search to the share, the pick page
tells families apart, and a family with only a phone can get the link by text."""

import json
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from kindred.audit.models import AuditEvent
from kindred.directory.models import ResourceShare
from kindred.directory.tests.test_views import make_family
from kindred.families.inputs import CaregiverInput, ChildInput, ConsentInput, FamilyInput
from kindred.families.models import Consent
from kindred.families.services import family_create
from kindred.lib import sms


@pytest.fixture
def outbox():
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def phone_family(world: Any, *, text_consent: bool = True, phone: str = "(312) 555-0142"):
    consents = [ConsentInput(scope=Consent.Scope.CONTACT)]
    if text_consent:
        consents.append(ConsentInput(scope=Consent.Scope.TEXT))
    return family_create(
        program=world.program_a,
        family=FamilyInput(
            caregivers=[
                CaregiverInput(
                    first_name="Rosa",
                    last_name="Benítez",
                    relationship="mother",
                    phone=phone,
                    preferred_language="es",
                )
            ],
            children=[
                ChildInput(first_name="Mateo", last_name="Benítez", date_of_birth=date(2021, 5, 1))
            ],
            consents=consents,
        ),
        by=world.users["coordinator"],
    )


def texts_on(world: Any) -> None:
    world.program_a.sends_texts = True
    world.program_a.save(update_fields=["sends_texts"])


def test_the_e164_form_of_phone_numbers() -> None:
    assert sms.e164("(312) 555-0142") == "+13125550142"
    assert sms.e164("1 312 555 0142") == "+13125550142"
    assert sms.e164("+52 55 1234 5678") == "+525512345678"
    assert sms.e164("555-0142") == "" and sms.e164("call the aunt") == ""


def test_a_search_from_the_family_page_carries_the_family_to_the_share(world, directory) -> None:
    family = make_family(world, language="es")
    client = world.client("coordinator")
    page = client.get(reverse("families:detail", args=[family.pk])).content.decode()
    assert f"/directory/?family={family.pk}" in page
    search = client.get(reverse("directory:search"), {"family": family.pk, "q": "heart"})
    content = search.content.decode()
    assert search.status_code == 200
    assert "Finding resources for the Quintero family" in content and "Leo" in content
    assert f'name="family" value="{family.pk}"' in content
    # The folder language defaults to the family's (Spanish), not the page's.
    assert '<option value="es" lang="es" selected>' in content
    share = client.get(
        reverse("directory:share_new"),
        {"family": family.pk, "service": [str(directory["heart"].pk)], "lang": "es"},
    )
    assert share.status_code == 200
    assert "Share resources with the Quintero family" in share.content.decode()
    assert '<option value="es" lang="es" selected>' in share.content.decode()
    viewed = AuditEvent.objects.filter(action="families.family.viewed", object_id=str(family.pk))
    assert viewed.filter(detail__purpose="directory.share").count() == 2


def test_a_search_for_another_programs_family_answers_404(world, directory) -> None:
    family = make_family(world)
    response = world.client("outsider").get(reverse("directory:search"), {"family": family.pk})
    assert response.status_code == 404
    assert world.client("coordinator").get(
        reverse("directory:search"), {"family": "x"}
    ).status_code in (400, 404)


def test_the_pick_page_tells_families_apart_and_finds_one_by_name(world, directory) -> None:
    make_family(world)
    phone_family(world)
    client = world.client("coordinator")
    page = client.get(reverse("directory:share_new"), {"service": [str(directory["heart"].pk)]})
    content = page.content.decode()
    assert page.status_code == 200 and "Mateo" in content and "Leo" in content
    assert "Rosa" in content and "children:" in content
    found = client.post(
        reverse("directory:share_new"),
        {"find": "Mateo", "service": [str(directory["heart"].pk)]},
    )
    content = found.content.decode()
    assert found.status_code == 200 and "Benítez" in content and "Quintero" not in content
    # The name searched for is not in any URL.
    assert "Mateo" not in found.request["QUERY_STRING"]
    assert not ResourceShare.objects.exists()


@override_settings(SMS_BACKEND="locmem")
def test_a_family_with_only_a_phone_gets_the_link_by_text(
    world, directory, outbox, django_capture_on_commit_callbacks
) -> None:
    texts_on(world)
    family = phone_family(world)
    client = world.client("coordinator")
    form = client.get(
        reverse("directory:share_new"),
        {"family": family.pk, "service": [str(directory["heart"].pk)]},
    ).content.decode()
    assert 'name="send_text"' in form and 'name="send_email"' not in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("directory:share_new"),
            {
                "family": family.pk,
                "service": [str(directory["heart"].pk)],
                "language": "es",
                "send_text": "on",
            },
        )
    share = ResourceShare.objects.get(family=family)
    assert response.status_code == 302 and share.texted_to == "+13125550142"
    [message] = outbox
    assert message.to == "+13125550142" and "/directory/shared/" in message.body
    assert "recursos" in message.body  # in the family's language
    for secret in ("Benítez", "Rosa", "Mateo", "heart", "corazón"):
        assert secret.lower() not in message.body.lower()
    link = message.body[message.body.index("http") :].split()[0]
    page = world.client("anonymous").get(link[link.index("/directory/") :])
    assert page.status_code == 200
    event = AuditEvent.objects.get(action="directory.resourceshare.created")
    assert "texted_to" in event.fields and not mail.outbox


@override_settings(SMS_BACKEND="locmem")
def test_no_text_without_consent_to_texts_and_nothing_is_saved(world, directory, outbox) -> None:
    texts_on(world)
    family = phone_family(world, text_consent=False)
    client = world.client("coordinator")
    form = client.get(
        reverse("directory:share_new"),
        {"family": family.pk, "service": [str(directory["heart"].pk)]},
    ).content.decode()
    assert "has not agreed to text messages" in form and 'name="send_text"' not in form
    response = client.post(
        reverse("directory:share_new"),
        {"family": family.pk, "service": [str(directory["heart"].pk)], "send_text": "on"},
    )
    assert response.status_code == 400
    assert "has not agreed to text messages" in response.content.decode()
    assert not ResourceShare.objects.exists() and not outbox


@override_settings(SMS_BACKEND="locmem")
def test_the_refusals_are_in_spanish(world, directory, outbox) -> None:
    family = phone_family(world)  # the program has not turned texts on
    coordinator = world.users["coordinator"]
    coordinator.language = "es"
    coordinator.save(update_fields=["language"])
    response = world.client("coordinator").post(
        reverse("directory:share_new"),
        {"family": family.pk, "service": [str(directory["heart"].pk)], "send_text": "on"},
    )
    assert response.status_code == 400
    assert "Este programa no envía mensajes de texto" in response.content.decode()
    assert not outbox


def test_without_a_provider_texts_are_not_offered(world, directory) -> None:
    texts_on(world)
    family = phone_family(world)
    response = world.client("coordinator").post(
        reverse("directory:share_new"),
        {"family": family.pk, "service": [str(directory["heart"].pk)], "send_text": "on"},
    )
    assert response.status_code == 400
    assert "not set up for this installation" in response.content.decode()
    assert not ResourceShare.objects.exists()


class _Provider(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        body = json.loads(self.rfile.read(length))
        _Provider.received.append({"auth": self.headers["Authorization"], **body})
        self.send_response(202)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_the_http_backend_posts_to_the_configured_provider() -> None:
    server = HTTPServer(("127.0.0.1", 0), _Provider)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/send"
    try:
        with override_settings(SMS_BACKEND="http", SMS_HTTP_URL=url, SMS_HTTP_TOKEN="s3cret"):
            sms.send_sms.call(to="+13125550142", body="Program: resources: https://x/y")
        thread.join(timeout=10)
    finally:
        server.server_close()
    assert _Provider.received[-1] == {
        "auth": "Bearer s3cret",
        "to": "+13125550142",
        "body": "Program: resources: https://x/y",
    }
