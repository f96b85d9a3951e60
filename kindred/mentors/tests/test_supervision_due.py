"""Supervision due on the supervisor's home: active mentors with no session in the last 30 days."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.mentors.home import SUPERVISION_DUE_DAYS, _supervision_counts
from kindred.mentors.models import SupervisionSession
from kindred.mentors.tests.factories import make_active, make_applicant

pytestmark = pytest.mark.django_db


def session(world, mentors, *, days_ago: int) -> None:
    held = SupervisionSession.objects.create(
        program=world.program_a,
        held_on=timezone.localdate() - timedelta(days=days_ago),
        supervisor=world.users["supervisor"],
        recorded_by=world.users["supervisor"],
    )
    held.mentors.set(mentors)


def test_it_counts_active_mentors_without_a_recent_session(world) -> None:
    ana = make_active(world.program_a, world.coordinator, email="ana@example.test")
    ben = make_active(world.program_a, world.coordinator, email="ben@example.test")
    cleo = make_active(world.program_a, world.coordinator, email="cleo@example.test")
    make_applicant(world.program_a, email="new@example.test")  # not active: never due
    make_active(world.program_b, world.users["outsider"], email="other@example.test")
    assert _supervision_counts(world.program_a.pk)["due"] == 3
    session(world, [ana, ben], days_ago=3)  # a group session
    session(world, [cleo], days_ago=SUPERVISION_DUE_DAYS + 1)  # too long ago
    assert _supervision_counts(world.program_a.pk)["due"] == 1
    session(world, [cleo], days_ago=SUPERVISION_DUE_DAYS)
    assert _supervision_counts(world.program_a.pk)["due"] == 0


def test_the_card_links_to_recording_a_session_in_spanish(world) -> None:
    make_active(world.program_a, world.coordinator, email="ana@example.test")
    supervisor = world.users["supervisor"]
    supervisor.language = "es"
    supervisor.save(update_fields=["language"])
    text = world.client("supervisor").get("/").content.decode()
    assert "Supervisión pendiente" in text and "/mentors/supervision/sessions/new/" in text
