"""The last place goes to one family, however many ask for it at once (PostgreSQL: one
connection per thread), and the database itself refuses a count above the capacity."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from kindred.core.testing.concurrent import post_at_once
from kindred.core.testing.personas import build_world
from kindred.groups.models import Registration, SupportGroup
from kindred.groups.services import registration_cancel, registration_create
from kindred.groups.tests.factories import make_family, make_group

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _at_once(calls: list) -> list[BaseException]:
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def one(call) -> None:
        try:
            barrier.wait(timeout=30)
            call()
        except BaseException as exc:  # noqa: BLE001 - reported by the caller's assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_twelve_families_at_once_for_the_last_place_give_one_place() -> None:
    world = build_world()
    group = make_group(world.program_a, world.coordinator, capacity=3)
    for _n in range(2):
        registration_create(
            group=group,
            family=make_family(world.program_a, world.coordinator),
            by=world.coordinator,
        )
    families = [make_family(world.program_a, world.coordinator) for _n in range(12)]
    errors = _at_once(
        [
            lambda f=f: registration_create(
                group=SupportGroup.objects.get(pk=group.pk), family=f, by=None
            )
            for f in families
        ]
    )
    assert not errors, errors
    group.refresh_from_db()
    assert group.registered_count == 3
    assert Registration.objects.filter(group=group, status="registered").count() == 3
    assert Registration.objects.filter(group=group, status="waitlisted").count() == 11


def test_cancellations_and_registrations_at_once_never_overfill() -> None:
    world = build_world()
    group = make_group(world.program_a, world.coordinator, capacity=2)
    placed = [
        registration_create(
            group=group,
            family=make_family(world.program_a, world.coordinator),
            by=world.coordinator,
        )
        for _n in range(2)
    ]
    newcomers = [make_family(world.program_a, world.coordinator) for _n in range(6)]
    calls = [
        lambda r=r: registration_cancel(
            registration=Registration.objects.get(pk=r.pk), by=None, reason="x"
        )
        for r in placed
    ]
    calls += [
        lambda f=f: registration_create(
            group=SupportGroup.objects.get(pk=group.pk), family=f, by=None
        )
        for f in newcomers
    ]
    errors = _at_once(calls)
    assert not errors, errors
    group.refresh_from_db()
    registered = Registration.objects.filter(group=group, status="registered").count()
    assert registered == group.registered_count == 2


def test_one_public_submission_sent_four_times_at_once_is_one_registration() -> None:
    world = build_world()
    group = make_group(world.program_a, world.coordinator, capacity=5)
    url = reverse("groups:public_detail", args=[world.program_a.slug, group.pk])
    key = Client().get(url).context["form"]["submission_key"].value()
    data = {
        "first_name": "Rosa",
        "last_name": "Vega",
        "phone": "312 555 0199",
        "email": "rosa@example.test",
        "preferred_language": "es",
        "consent": "on",
        "submission_key": key,
    }
    statuses = post_at_once(url, data, times=4)
    assert statuses == [302] * 4
    assert Registration.objects.filter(group=group).count() == 1
