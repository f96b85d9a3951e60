"""The public group page: a family registers themselves, in Spanish too; honeypot, throttle,
one submission one registration; bad input re-rendered with 400 and nothing saved."""

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from kindred.families.consent import may
from kindred.families.models import Family
from kindred.groups.models import Registration
from kindred.groups.tests.factories import make_group

pytestmark = pytest.mark.django_db


def _form(client, url):
    return client.get(url).context["form"]["submission_key"].value()


def _data(key, **extra):
    data = {
        "first_name": "Rosa",
        "last_name": "Vega",
        "phone": "312 555 0199",
        "email": "rosa@example.test",
        "preferred_language": "es",
        "consent": "on",
        "submission_key": key,
    }
    data.update(extra)
    return data


def test_a_family_registers_itself_and_its_consent_is_recorded(world) -> None:
    group = make_group(world.program_a, capacity=0)  # a waitlist only
    client = world.client("anonymous")
    url = reverse("groups:public_detail", args=[world.program_a.slug, group.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200 and "Padres de corazón" in page.content.decode()
    assert "Completo" in page.content.decode()  # full, never hidden
    key = _form(client, url)
    response = client.post(url, _data(key))
    assert response.status_code == 302
    again = client.post(url, _data(key))
    assert again.status_code == 302
    registration = Registration.objects.get()
    assert registration.status == "waitlisted" and registration.channel == "self"
    family = registration.family
    assert may(family, "groups") and may(family, "contact")
    thanks = client.get(response["Location"])
    assert "waitlist" in thanks.content.decode()
    assert not mail.outbox  # nobody promoted yet


def test_bad_input_is_shown_again_with_400_and_nothing_saved(world) -> None:
    group = make_group(world.program_a)
    client = world.client("anonymous")
    url = reverse("groups:public_detail", args=[world.program_a.slug, group.pk])
    key = _form(client, url)
    response = client.post(url, _data(key, phone="12", consent=""))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Rosa" in body and "Enter a phone number" in body and "Please tick the box" in body
    assert client.post(url, _data("forged")).status_code == 400
    assert not Registration.objects.exists() and not Family.objects.exists()


def test_a_bot_filling_the_honeypot_is_thanked_and_nothing_is_saved(world) -> None:
    group = make_group(world.program_a)
    client = world.client("anonymous")
    url = reverse("groups:public_detail", args=[world.program_a.slug, group.pk])
    response = client.post(url, _data(_form(client, url), website="spam"))
    assert response.status_code == 302 and not Registration.objects.exists()


@override_settings(GROUPS_SELF_REGISTRATIONS_PER_ADDRESS_PER_HOUR=1)
def test_one_address_is_throttled_after_its_hourly_limit(world) -> None:
    group = make_group(world.program_a)
    client = world.client("anonymous")
    url = reverse("groups:public_detail", args=[world.program_a.slug, group.pk])
    assert client.post(url, _data(_form(client, url))).status_code == 302
    second = client.post(url, _data(_form(client, url), phone="312 555 0177", email="b@x.test"))
    assert second.status_code == 429 and Registration.objects.count() == 1


def test_a_draft_group_has_no_public_page(world) -> None:
    group = make_group(world.program_a, status="draft")
    client = world.client("anonymous")
    assert (
        client.get(
            reverse("groups:public_detail", args=[world.program_a.slug, group.pk])
        ).status_code
        == 404
    )
    assert client.get(reverse("groups:public_list", args=["nope"])).status_code == 404
