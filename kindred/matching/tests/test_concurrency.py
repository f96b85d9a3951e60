"""Two coordinators approving a mentor's last place at the same moment: one wins, the other is
told the place is taken, and the mentor's count never passes the maximum (PostgreSQL)."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.test import Client
from django.urls import reverse

from kindred.core.testing.personas import make_user
from kindred.matching.models import Match
from kindred.matching.services import propose
from kindred.matching.tests.factories import waiting_family
from kindred.mentors.models import Mentor
from kindred.programs.models import Membership
from kindred.programs.roles import Role

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _post_together(posts: list[tuple[object, str]]) -> list[int]:
    barrier = threading.Barrier(len(posts))
    statuses: list[int] = []
    errors: list[BaseException] = []

    def one(user: object, url: str) -> None:
        try:
            client = Client()
            client.force_login(user)
            barrier.wait(timeout=30)
            statuses.append(client.post(url).status_code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=post) for post in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return statuses


def test_two_coordinators_never_take_more_places_than_the_mentor_has(mworld) -> None:
    ana = mworld.objects["ana"]
    Mentor.objects.filter(pk=ana.pk).update(max_families=1)
    second = make_user("coordinator2@a.test", "Coordinator Two")
    Membership.objects.create(user=second, program=mworld.program_a, role=Role.COORDINATOR)
    first_match = propose(family=mworld.objects["family"], mentor=ana, by=mworld.coordinator)
    other_family = waiting_family(mworld, name="Segunda")
    second_match = propose(family=other_family, mentor=ana, by=second)
    statuses = _post_together(
        [
            (mworld.coordinator, reverse("matching:act", args=[first_match.pk, "offer"])),
            (second, reverse("matching:act", args=[second_match.pk, "offer"])),
        ]
    )
    assert sorted(statuses) == [302, 400]
    ana.refresh_from_db()
    assert ana.active_family_count == 1
    assert Match.objects.filter(mentor=ana, status="offered").count() == 1
    assert Match.objects.filter(mentor=ana, status="proposed").count() == 1


def test_the_database_refuses_a_count_above_the_maximum(mworld) -> None:
    ana = mworld.objects["ana"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Mentor.objects.filter(pk=ana.pk).update(active_family_count=F("max_families") + 1)
