"""The match page's contacts in the first 8 weeks, the family page's button, family merge,
the codebook, and query counts that do not grow with the rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kindred.encounters.models import EncounterFamily, FollowUp, Theme
from kindred.encounters.panels import EARLY_PRACTICE, match_contacts
from kindred.encounters.tests.factories import logged

pytestmark = pytest.mark.django_db


def test_the_match_page_counts_contacts_of_the_first_8_weeks(eworld) -> None:
    from kindred.matching.models import Match

    match = eworld.objects["match"]
    start = timezone.now() - timedelta(weeks=10)
    Match.objects.filter(pk=match.pk).update(started_at=start)
    match.refresh_from_db()
    for days in (1, 10, 30):
        logged(eworld, occurred_at=start + timedelta(days=days))
    logged(eworld, occurred_at=start + timedelta(weeks=9))
    counts = match_contacts(match)
    assert counts == {"total": 4, "early": 3, "started": True}
    page = eworld.client("coordinator").get(reverse("matching:match", args=[match.pk]))
    html = page.content.decode()
    assert "3 contacts in the first 8 weeks (practice: about 4)." in html
    assert "fewer than the practice" in html
    assert EARLY_PRACTICE > 3
    mentor_page = eworld.client("mentor").get(reverse("matching:match", args=[match.pk]))
    assert f"?match={match.pk}" in mentor_page.content.decode()


def test_the_family_page_offers_log_a_contact(eworld) -> None:
    family = eworld.objects["family"]
    logged(eworld)
    page = eworld.client("mentor").get(reverse("families:detail", args=[family.pk]))
    html = page.content.decode()
    assert f"{reverse('encounters:new')}?family={family.pk}" in html
    assert "1 contact logged." in html


def test_family_merge_moves_encounters_and_keeps_each_once(eworld) -> None:
    from kindred.families.services import family_merge
    from kindred.matching.tests.factories import waiting_family

    keep = eworld.objects["family"]
    merged = waiting_family(eworld, name="Duplicate")
    both = logged(eworld, families=[keep, merged], by=eworld.coordinator)
    only = logged(eworld, families=[merged], by=eworld.coordinator, mentors=[])
    from kindred.encounters.services import follow_up_add

    follow_up_add(
        encounter=only,
        description="Call",
        due_on=timezone.localdate(),
        mentor=None,
        by=eworld.coordinator,
    )
    family_merge(keep=keep, merged=merged, by=eworld.coordinator, reason="Same family")
    assert list(
        EncounterFamily.objects.filter(encounter=both).values_list("family_id", flat=True)
    ) == [keep.pk]
    assert EncounterFamily.objects.get(encounter=only).family_id == keep.pk
    assert not EncounterFamily.objects.filter(family=merged).exists()
    assert FollowUp.objects.get().family_id == keep.pk


def test_the_codebook_starts_from_the_starter_set_and_is_the_programs(eworld) -> None:
    client = eworld.client("coordinator")
    page = client.get(reverse("encounters:codebook"))
    assert page.status_code == 200
    assert "Worry and stress about the child and family" in page.content.decode()
    transitions = Theme.objects.get(program=eworld.program_a, slug="transitions")
    assert set(transitions.subthemes.values_list("slug", flat=True)) == {
        "transition-nicu-home",
        "transition-adult-care",
    }
    response = client.post(
        reverse("encounters:codebook"),
        {
            "name": "Feeding",
            "name_es": "Alimentación",
            "parent": "",
            "position": "20",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert Theme.objects.filter(program=eworld.program_a, slug="feeding").exists()
    bad = client.post(reverse("encounters:codebook"), {"name": "", "position": "1"})
    assert bad.status_code == 400
    theme = Theme.objects.get(program=eworld.program_a, slug="grief-loss")
    url = reverse("encounters:theme_edit", args=[theme.pk])
    response = client.post(url, {"name": "Grief", "name_es": "Duelo", "position": "3"})
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.name == "Grief" and not theme.is_active
    assert eworld.client("outsider").get(url).status_code == 404
    assert eworld.client("mentor").get(reverse("encounters:codebook")).status_code == 403
    # A theme with sub-themes does not become a sub-theme.
    bad = client.post(
        reverse("encounters:theme_edit", args=[transitions.pk]),
        {"name": "Transitions", "parent": str(theme.pk), "position": "1", "is_active": "on"},
    )
    assert bad.status_code == 400


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "persona,name",
    [
        ("coordinator", "encounters:list"),
        ("mentor", "encounters:list"),
        ("mentor", "core:home"),
        ("mentor", "encounters:me"),
        ("mentor", "encounters:follow_ups"),
    ],
)
def test_pages_do_not_grow_queries_with_rows(eworld, persona, name) -> None:
    from kindred.encounters.services import follow_up_add

    client = eworld.client(persona)

    def add(n: int) -> None:
        for _ in range(n):
            encounter = logged(eworld, support_types=["emotional", "tangible"])
            follow_up_add(
                encounter=encounter,
                description="Call back",
                due_on=timezone.localdate(),
                mentor=eworld.objects["ana"],
                by=eworld.mentor,
            )

    add(2)
    url = reverse(name)
    _count(client, url)  # warm the per-process caches
    few = _count(client, url)
    add(6)
    assert _count(client, url) == few


def test_the_encounter_form_has_a_fixed_number_of_queries(eworld) -> None:
    client = eworld.client("mentor")
    url = reverse("encounters:new") + f"?family={eworld.objects['family'].pk}"
    _count(client, url)
    few = _count(client, url)
    for _ in range(5):
        logged(eworld)
    assert _count(client, url) == few
    assert few <= 30
