"""After any sequence of changes to the engine's inputs, made through the app's code, the ranking
from the roster's cache is the ranking read afresh from the database."""

from datetime import timedelta
from itertools import count
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kindred.families.models import Condition
from kindred.matching.models import MatchSettings
from kindred.matching.ranking import rank_family
from kindred.matching.tests.factories import matchable_mentor
from kindred.mentors.models import Mentor, Qualification
from kindred.mentors.services import mentor_change_status
from kindred.mentors.tests.factories import qualify_fully

pytestmark = pytest.mark.django_db
OPERATIONS = (
    "pause_or_return",
    "places",
    "language",
    "condition",
    "experience",
    "qualifications",
    "readiness",
    "experience_year",
    "category",
    "new_mentor",
    "next_day",
)
READINESS = [choice for choice, _label in MatchSettings.Readiness.choices]
NEW = count()


def snapshot(family) -> tuple:
    result = rank_family(family, limit=None, cached=False)
    return _rows(result)


def _rows(result) -> tuple:
    return tuple(
        tuple(
            (row.ranked.mentor_id, row.ranked.score, row.ranked.reasons, row.ranked.violations)
            for row in rows
        )
        for rows in (result.eligible, result.excluded, result.closest)
    )


def apply(world, operation: str, mentor: Mentor, state: dict) -> None:
    vocab = world.objects["vocab"]
    today = timezone.localdate()
    if operation == "pause_or_return":
        if mentor.status == Mentor.Status.ACTIVE:
            mentor_change_status(
                mentor=mentor,
                to="paused",
                by=world.coordinator,
                paused_until=today + timedelta(days=30),
            )
        else:
            mentor_change_status(mentor=mentor, to="active", by=world.coordinator)
    elif operation == "places":
        mentor.max_families = max(mentor.active_family_count, (mentor.max_families + 1) % 4)
        mentor.save(update_fields=["max_families"])
    elif operation == "language":
        spoken = set(mentor.languages)
        mentor.languages = sorted(spoken ^ {"es"}) or ["en"]
        mentor.save()
    elif operation == "condition":
        if mentor.child_conditions.filter(pk=vocab["heart"].pk).exists():
            mentor.child_conditions.remove(vocab["heart"])
        else:
            mentor.child_conditions.add(vocab["heart"])
    elif operation == "experience":
        if mentor.child_experiences.exists():
            mentor.child_experiences.clear()
        else:
            mentor.child_experiences.add(vocab["nicu"])
    elif operation == "qualifications":
        held = Qualification.objects.filter(mentor=mentor)
        if held.exists():
            held.delete()
        else:
            qualify_fully(mentor, world.coordinator)
    elif operation == "readiness":
        current = MatchSettings.for_program(world.program_a).readiness
        MatchSettings.objects.update_or_create(
            program=world.program_a,
            defaults={"readiness": READINESS[(READINESS.index(current) + 1) % len(READINESS)]},
        )
    elif operation == "experience_year":
        mentor.experience_year = None if mentor.experience_year else today.year
        mentor.off_active_treatment = not mentor.off_active_treatment
        mentor.save()
    elif operation == "category":
        other = Condition.objects.get(pk=vocab["other_heart"].pk)
        mentor.child_conditions.add(other)
        target = vocab["heart"].category_id
        if other.category_id == target:
            target = vocab["category"].pk
        Condition.objects.filter(pk=other.pk).update(category_id=target)
    elif operation == "new_mentor":
        n = next(NEW)
        matchable_mentor(
            world, name=f"New Mentor {n}", email=f"new{n}@a.test", languages=["es", "en"]
        )
    elif operation == "next_day":
        state["days"] += 400  # past a year: qualifications expire, readiness by year moves


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(OPERATIONS), st.sampled_from(("ana", "bea"))),
        min_size=1,
        max_size=6,
    )
)
def test_the_cached_ranking_is_the_fresh_one_after_any_changes(mworld, steps) -> None:
    state = {"days": 0}
    real_today = timezone.localdate()
    with transaction.atomic():
        family = mworld.objects["family"]
        with mock.patch(
            "django.utils.timezone.localdate",
            side_effect=lambda *a: real_today + timedelta(days=state["days"]),
        ):
            rank_family(family, limit=None)  # warm the cache
            for operation, who in steps:
                mentor = Mentor.objects.get(pk=mworld.objects[who].pk)
                apply(mworld, operation, mentor, state)
                assert _rows(rank_family(family, limit=None)) == snapshot(family), operation
        transaction.set_rollback(True)
