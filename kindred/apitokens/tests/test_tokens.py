"""The API tokens page: made and shown once, listed with last use, revoked; bad input is 400."""

import re

import pytest

from kindred.apitokens.models import PersonalToken
from kindred.apitokens.services import digest_of
from kindred.audit.models import AuditEvent
from kindred.core.testing.personas import signed_in

pytestmark = pytest.mark.django_db

URL = "/accounts/api-tokens/"


def test_a_token_is_shown_once_and_stored_only_as_its_digest(world, client):
    signed_in(client, world.coordinator)
    response = client.post(
        URL, {"name": "Monthly report", "programs": [world.program_a.pk], "days": 30}
    )
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    secret = re.search(r"kd_[A-Za-z0-9_-]{40,}", response.content.decode()).group(0)
    token = PersonalToken.objects.get()
    assert token.digest == digest_of(secret) and secret not in token.prefix
    assert not token.can_write and list(token.programs.all()) == [world.program_a]
    assert AuditEvent.objects.filter(action="apitokens.token.created", actor=world.coordinator)
    listing = client.get(URL).content.decode()
    assert "Monthly report" in listing and token.prefix in listing and secret not in listing


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "days": 30},  # no name, no program
        {"name": "x", "programs": ["999999"], "days": 30},  # not one of mine
        {"name": "x", "days": 3650},  # longer than a year
    ],
)
def test_bad_input_is_refused_with_nothing_saved(world, client, data):
    signed_in(client, world.coordinator)
    response = client.post(URL, data)
    assert response.status_code == 400
    assert not PersonalToken.objects.exists()


def test_another_programs_program_cannot_be_chosen(world, client):
    signed_in(client, world.coordinator)
    response = client.post(URL, {"name": "x", "programs": [world.program_b.pk], "days": 30})
    assert response.status_code == 400 and not PersonalToken.objects.exists()


def test_the_form_says_why_in_spanish(world, client):
    world.coordinator.language = "es"
    world.coordinator.save()
    signed_in(client, world.coordinator)
    response = client.post(URL, {"name": "", "days": 30}, HTTP_ACCEPT_LANGUAGE="es")
    assert "Elija al menos un programa." in response.content.decode()


def test_revoke_is_mine_only(world, client):
    from kindred.apitokens.services import token_create

    token, _ = token_create(
        user=world.coordinator, name="t", programs=[world.program_a], can_write=False, days=7
    )
    signed_in(client, world.outsider)
    assert client.post(f"{URL}{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    signed_in(client, world.coordinator)
    assert client.post(f"{URL}{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="apitokens.token.revoked").count() == 1
