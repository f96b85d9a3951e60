"""Edits keep their history (who, when, what changed; never the notes' text); an encounter is
never deleted, only marked entered in error with a reason, and then left out of counts."""

import pytest
from django.urls import reverse

from kindred.encounters.models import Encounter, EncounterRevision
from kindred.encounters.panels import match_contacts
from kindred.encounters.tests.factories import form_data, logged

pytestmark = pytest.mark.django_db


def test_an_edit_records_who_when_and_what_changed(eworld) -> None:
    encounter = logged(eworld)
    client = eworld.client("mentor")
    data = form_data(
        eworld,
        duration_minutes="45",
        setting="outpatient",
        mode="phone",
        initiated_by="family",
        support_types=["emotional", "informational"],
        notes="A new private note",
        follow_up=None,
        follow_up_due=None,
        version=str(encounter.version),
    )
    response = client.post(reverse("encounters:edit", args=[encounter.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    encounter.refresh_from_db()
    assert encounter.version == 2 and encounter.duration_minutes == 45
    revision = EncounterRevision.objects.get()
    assert revision.by == eworld.mentor
    assert revision.changes["duration_minutes"] == [30, 45]
    assert revision.changes["support_types"] == [["emotional"], ["emotional", "informational"]]
    assert "notes" in revision.changes
    assert "canary-note-77" not in str(revision.changes)
    assert "A new private note" not in str(revision.changes)
    page = client.get(reverse("encounters:detail", args=[encounter.pk]))
    html = page.content.decode()
    assert "How long (minutes): 30 → 45" in html
    assert "The notes were changed." in html


def test_a_stale_edit_is_refused_and_changes_nothing(eworld) -> None:
    encounter = logged(eworld)
    client = eworld.client("mentor")
    response = client.post(
        reverse("encounters:edit", args=[encounter.pk]),
        form_data(eworld, duration_minutes="50", version="0"),
    )
    assert response.status_code == 400
    encounter.refresh_from_db()
    assert encounter.duration_minutes == 30 and not EncounterRevision.objects.exists()


def test_a_bad_edit_answers_400_and_changes_nothing(eworld) -> None:
    encounter = logged(eworld)
    response = eworld.client("mentor").post(
        reverse("encounters:edit", args=[encounter.pk]),
        form_data(eworld, support_types=None, version="1"),
    )
    assert response.status_code == 400
    assert encounter.supports.count() == 1 and not EncounterRevision.objects.exists()


def test_marked_in_error_with_a_reason_never_deleted_and_left_out_of_counts(eworld) -> None:
    match = eworld.objects["match"]
    encounter = logged(eworld)
    assert match_contacts(match)["total"] == 1
    client = eworld.client("mentor")
    url = reverse("encounters:error", args=[encounter.pk])
    assert client.post(url, {"reason": "  "}).status_code == 400
    encounter.refresh_from_db()
    assert not encounter.entered_in_error
    assert client.post(url, {"reason": "Logged for the wrong family"}).status_code == 302
    encounter.refresh_from_db()
    assert encounter.entered_in_error and encounter.error_marked_by == eworld.mentor
    assert Encounter.objects.filter(pk=encounter.pk).exists()
    assert not Encounter.objects.counted().exists()
    assert match_contacts(match)["total"] == 0
    assert client.post(url, {"reason": "again"}).status_code == 400
    # An encounter in error is not edited any more.
    assert client.get(reverse("encounters:edit", args=[encounter.pk])).status_code == 403


def test_a_mentor_who_took_no_part_cannot_change_it(eworld) -> None:
    encounter = logged(eworld, by=eworld.coordinator, mentors=[eworld.objects["bea"]])
    client = eworld.client("mentor")
    assert client.get(reverse("encounters:detail", args=[encounter.pk])).status_code == 404
    assert (
        client.post(reverse("encounters:error", args=[encounter.pk]), {"reason": "x"}).status_code
        == 404
    )
