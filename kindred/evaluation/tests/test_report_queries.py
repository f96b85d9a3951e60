"""The program report's query bound: the number of queries of the report page does not grow with
the number of encounters, families, children, mentors, themes or referrals (docs/evaluation.md:
"a fixed number of aggregate queries whatever the number of encounters")."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kindred.core.testing.personas import signed_in
from kindred.encounters.models import (
    Encounter,
    EncounterFamily,
    EncounterMentor,
    EncounterSupport,
    Theme,
)
from kindred.families.inputs import CaregiverInput, ChildInput, FamilyInput
from kindred.families.services import family_create
from kindred.matching.tests.factories import vocabulary
from kindred.mentors.tests.factories import make_active
from kindred.referrals.services import ReferredFamily
from kindred.referrals.tests.conftest import make_referral

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "es", "vi"]
SETTINGS = ["inpatient", "outpatient", "home"]
MODES = ["in_person", "phone", "video"]


def grow(world, *, families: int, encounters: int, mentors: int, start: int = 0) -> None:
    """Add families (each with a caregiver, a child with a condition, a ZIP and a referral),
    mentors, themes with sub-themes, and encounters spread over them."""
    program = world.program_a
    condition = vocabulary()["heart"]
    made = []
    for i in range(start, start + families):
        phone = f"919555{i:04d}"
        family = family_create(
            program=program,
            family=FamilyInput(
                name=f"Queryfamily {i}",
                zip_code=f"27{i % 10}05",
                caregivers=[
                    CaregiverInput(
                        first_name=f"Carer{i}",
                        relationship="mother",
                        phone=phone,
                        preferred_language=LANGUAGES[i % 3],
                    )
                ],
                children=[ChildInput(first_name=f"Kid{i}", conditions=[condition])],
            ),
            by=world.coordinator,
        )
        make_referral(world, family=ReferredFamily(caregiver_first_name=f"Carer{i}", phone=phone))
        made.append(family)
    team = [
        make_active(
            program, world.coordinator, full_name=f"Query Mentor {i}", email=f"qm{i}@a.test"
        )
        for i in range(start, start + mentors)
    ]
    parent = Theme.objects.create(program=program, slug=f"q-theme-{start}", name=f"Theme {start}")
    subs = [
        Theme.objects.create(
            program=program, slug=f"q-sub-{start}-{j}", name=f"Sub {start}.{j}", parent=parent
        )
        for j in range(2)
    ]
    themes = [parent, *subs]
    for k in range(encounters):
        family = made[k % len(made)]
        e = Encounter.objects.create(
            program=program,
            occurred_at=timezone.now() - timedelta(days=1 + k % 15, hours=k % 7),
            duration_minutes=20 + k % 40,
            setting=SETTINGS[k % 3],
            mode=MODES[k % 3],
            initiated_by="mentor",
            created_by=world.coordinator,
        )
        EncounterFamily.objects.create(encounter=e, family=family)
        EncounterMentor.objects.create(encounter=e, mentor=team[k % len(team)])
        EncounterSupport.objects.create(encounter=e, support_type="emotional")
        e.themes.set(themes[: 1 + k % 3])
        e.children.set(family.children.all())
        e.caregivers.set(family.caregivers.all())


def queries_of(client, query) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/reports/", query)
    assert response.status_code == 200
    return len(captured)


def test_the_report_query_count_does_not_grow_with_encounters_or_families(client, world):
    today = timezone.localdate()
    query = {"start": (today - timedelta(days=20)).isoformat(), "end": today.isoformat()}
    compared = {
        **query,
        "compare_start": (today - timedelta(days=60)).isoformat(),
        "compare_end": (today - timedelta(days=40)).isoformat(),
    }
    grow(world, families=1, encounters=2, mentors=1)
    signed_in(client, world.coordinator)
    client.get("/reports/", query)  # the session, the codebook: once per person, not per row
    small, small_compared = queries_of(client, query), queries_of(client, compared)
    grow(world, families=12, encounters=60, mentors=4, start=100)
    big, big_compared = queries_of(client, query), queries_of(client, compared)
    assert Encounter.objects.count() == 62
    assert big == small
    assert big_compared == small_compared
    signed_in(client, world.evaluator)  # the suppressed view reads the same rows
    client.get("/reports/", query)
    assert queries_of(client, query) == big
