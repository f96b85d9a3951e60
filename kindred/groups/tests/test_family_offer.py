"""Offering a group on the family's page (a family waiting for a one-to-one match meanwhile):
groups in the family's language with their next session and places, a button that registers
them or puts them on the waitlist; consent first; coordinators only; other programs 404."""

import pytest

from kindred.groups.models import Registration
from kindred.groups.tests.factories import make_family, make_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups(world):
    return {
        "en": make_group(world.program_a, world.coordinator, name="Heart parents", capacity=1),
        "es": make_group(
            world.program_a, world.coordinator, name="Familias del corazón", language="es"
        ),
        "draft": make_group(world.program_a, name="Draft circle", status="draft", language="es"),
    }


def test_the_family_page_offers_groups_in_the_familys_language(world, groups) -> None:
    family = make_family(world.program_a, world.coordinator, "Reyes", language="es")
    page = world.client("coordinator").get(f"/families/{family.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Offer a support group" in text
    assert "Familias del corazón" in text
    assert "Heart parents" not in text and "Draft circle" not in text
    assert f'action="/groups/{groups["es"].pk}/register/"' in text


def test_the_offer_registers_the_family_and_returns_to_its_page(world, groups) -> None:
    family = make_family(world.program_a, world.coordinator, "Reyes", language="es")
    client = world.client("coordinator")
    response = client.post(
        f"/groups/{groups['es'].pk}/register/", {"family": family.pk, "back": "family"}
    )
    assert response.status_code == 302 and response["Location"] == f"/families/{family.pk}/"
    registration = Registration.objects.get(family=family)
    assert registration.group == groups["es"] and registration.status == "registered"
    # Registered now: the group is no longer offered.
    text = client.get(f"/families/{family.pk}/").content.decode()
    assert f'action="/groups/{groups["es"].pk}/register/"' not in text


def test_a_full_group_is_offered_as_its_waitlist(world, groups) -> None:
    taker = make_family(world.program_a, world.coordinator, "Ames")
    client = world.client("coordinator")
    client.post(f"/groups/{groups['en'].pk}/register/", {"family": taker.pk})
    family = make_family(world.program_a, world.coordinator, "Baker")
    text = client.get(f"/families/{family.pk}/").content.decode()
    assert "Heart parents" in text and "Put on the waitlist" in text
    client.post(f"/groups/{groups['en'].pk}/register/", {"family": family.pk, "back": "family"})
    assert Registration.objects.get(family=family).status == "waitlisted"


def test_without_consent_there_is_a_note_and_no_button(world, groups) -> None:
    family = make_family(world.program_a, world.coordinator, "Cruz", consent=False)
    text = world.client("coordinator").get(f"/families/{family.pk}/").content.decode()
    assert "record their consent first" in text and "Register for this group" not in text
    response = world.client("coordinator").post(
        f"/groups/{groups['en'].pk}/register/", {"family": family.pk, "back": "family"}
    )
    assert response.status_code == 400
    assert not Registration.objects.filter(family=family).exists()


def test_only_coordinators_see_it_and_another_programs_group_is_not_found(world, groups) -> None:
    family = make_family(world.program_a, world.coordinator, "Diaz")
    supervisor = world.client("supervisor").get(f"/families/{family.pk}/")
    assert supervisor.status_code == 200 and b"Offer a support group" not in supervisor.content
    other = make_group(world.program_b, name="Elsewhere")
    response = world.client("coordinator").post(
        f"/groups/{other.pk}/register/", {"family": family.pk, "back": "family"}
    )
    assert response.status_code == 404
    assert not Registration.objects.filter(family=family).exists()
