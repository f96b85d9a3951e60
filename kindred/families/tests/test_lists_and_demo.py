from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from kindred.accounts.models import User
from kindred.audit.models import AuditEvent
from kindred.families import demo
from kindred.families.models import Caregiver, Condition, Experience, Family
from kindred.families.tests.conftest import make_family
from kindred.families.timeline import TimelineEntry, collect

pytestmark = pytest.mark.django_db


def test_it_loads_the_demo_once(world) -> None:
    ctx = SimpleNamespace(
        program=world.program_a, users={"coordinator": world.coordinator}, say=lambda text: None
    )
    demo.load(ctx)
    demo.load(ctx)
    families = Family.objects.filter(program=world.program_a)
    assert families.count() == demo.COUNT
    spanish = Caregiver.objects.filter(
        family__program=world.program_a, preferred_language="es", is_primary=True
    )
    assert spanish.count() == demo.COUNT // 3
    assert families.filter(status=Family.Status.CLOSED).exists()
    assert all("example.test" in c.email for c in Caregiver.objects.exclude(email=""))


def test_it_lets_a_program_add_its_own_conditions_and_experiences(world) -> None:
    client = world.client("coordinator")
    url = reverse("families:vocabulary")
    response = client.post(
        url,
        {
            "add_condition": "1",
            "condition-code": "q87.410",
            "condition-label": "Marfan syndrome",
            "condition-label_es": "Síndrome de Marfan",
        },
    )
    assert response.status_code == 302
    assert Condition.objects.get(label="Marfan syndrome").program == world.program_a
    assert Condition.objects.get(label="Marfan syndrome").code == "Q87.410"
    response = client.post(
        url, {"add_condition": "1", "condition-code": "hello", "condition-label": "X"}
    )
    assert "Enter an ICD-10-CM code" in response.content.decode()
    assert (
        client.post(url, {"add_experience": "1", "experience-name": "Hippotherapy"}).status_code
        == 302
    )
    assert Experience.objects.get(name="Hippotherapy").program == world.program_a
    # Another program does not see them.
    assert (
        not Condition.objects.for_program(world.program_b).filter(label="Marfan syndrome").exists()
    )
    assert AuditEvent.objects.filter(action="families.condition.created").exists()


def test_it_tells_the_story_in_time_order(world, family) -> None:
    from kindred.families import timeline as families_timeline

    family.transition(to=Family.Status.CLOSED, reason="Moved", by=world.coordinator)
    from django.test import RequestFactory

    request = RequestFactory().get(family.get_absolute_url())
    request.user = world.coordinator
    entries = collect(family, request)
    kinds = [e.kind for e in entries]
    assert kinds[0] == "status" and "family" in kinds and "consent" in kinds
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    assert isinstance(entries[0], TimelineEntry)
    assert callable(families_timeline.timeline_entries)


def test_it_keeps_lists_to_people_who_may_see_them(world, family) -> None:
    # Members of program A without families.view are refused (403); the outsider sees only
    # program B's families; a person in no program does not learn the page exists (404).
    assert world.client("mentor").get(reverse("families:list")).status_code == 403
    assert world.client("referrer").get(reverse("families:list")).status_code == 403
    make_family(
        world,
        program=world.program_b,
        by=world.outsider,
        caregiver={"last_name": "Okafor", "email": "okafor@example.test"},
        child={"last_name": "Okafor"},
    )
    response = world.client("outsider").get(reverse("families:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Okafor" in page and "García" not in page
    nobody = User.objects.create_user("nobody@a.test", "x" * 14, full_name="Nobody")
    client = Client()
    client.force_login(nobody)
    assert client.get(reverse("families:list")).status_code == 404
    assert world.client("supervisor").get(reverse("families:create")).status_code == 403


def test_it_shows_the_home_card(world, family) -> None:
    page = world.client("coordinator").get(reverse("core:home")).content.decode()
    assert "1 open family records, 0 closed" in page and reverse("families:create") in page
    assert make_family  # the fixture module stays imported for other tests
