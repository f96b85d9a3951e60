"""The roster's cache (kindred/matching/roster.py): rank (the matrix kept), change an engine
input through the app's own code path, rank again: the ranking shows the change."""

from datetime import timedelta
from importlib import import_module
from unittest import mock

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kindred.matching import roster
from kindred.matching.models import MatchSettings, RosterVersion
from kindred.matching.profiles import ENGINE_FIELDS
from kindred.matching.ranking import rank_family
from kindred.matching.tests.factories import matchable_mentor, offered_match, waiting_family
from kindred.mentors.models import Mentor, Qualification, QualificationType
from kindred.mentors.services import mentor_change_status, qualification_record

pytestmark = pytest.mark.django_db
MIGRATION = import_module("kindred.matching.migrations.0004_roster_version")


def eligible(family) -> list[int]:
    return [row.mentor.pk for row in rank_family(family, limit=None).eligible]


def row_of(family, mentor, part: str = "eligible"):
    rows = getattr(rank_family(family, limit=None), part)
    return next(row for row in rows if row.mentor.pk == mentor.pk)


def violations(family, mentor) -> set[str]:
    return {v.constraint for v in row_of(family, mentor, "excluded").ranked.violations}


def version(program) -> tuple[int, int] | None:
    return roster.roster_version(program.pk)


def test_every_engine_field_is_watched_by_the_trigger() -> None:
    columns = {Mentor._meta.get_field(name).column for name in ENGINE_FIELDS if name != "pk"}
    assert columns <= set(MIGRATION.MENTOR_COLUMNS)


def test_a_second_ranking_reads_no_mentor_and_a_change_reads_them_again(mworld) -> None:
    family, bea = mworld.objects["family"], mworld.objects["bea"]
    with mock.patch.object(roster, "mentor_sides", wraps=roster.mentor_sides) as read:
        first = eligible(family)
        assert eligible(family) == first and read.call_count == 1
        bea.culture = "latina"
        bea.save()
        eligible(family)
        assert read.call_count == 2


def test_a_paused_mentor_is_excluded_at_once(mworld) -> None:
    family, ana = mworld.objects["family"], mworld.objects["ana"]
    assert ana.pk in eligible(family)
    mentor_change_status(
        mentor=ana,
        to="paused",
        by=mworld.coordinator,
        paused_until=timezone.localdate() + timedelta(days=30),
    )
    assert ana.pk not in eligible(family)
    assert "inactive" in violations(family, ana)


def test_a_place_taken_by_another_family_excludes_for_capacity(mworld) -> None:
    family, ana = mworld.objects["family"], mworld.objects["ana"]
    Mentor.objects.filter(pk=ana.pk).update(max_families=1)
    assert ana.pk in eligible(family)
    offered_match(mworld, waiting_family(mworld, name="Segunda"), ana)
    assert ana.pk not in eligible(family)
    assert "capacity" in violations(family, ana)


def test_a_qualification_removed_or_expired_makes_the_mentor_unmatchable(mworld) -> None:
    family, ana, bea = (mworld.objects[k] for k in ("family", "ana", "bea"))
    assert {ana.pk, bea.pk} <= set(eligible(family))
    Qualification.objects.filter(mentor=ana).delete()
    assert ana.pk not in eligible(family) and "inactive" in violations(family, ana)
    # A new required qualification valid for a month: Bea holds it, it expires in 20 days.
    today = timezone.localdate()
    monthly = QualificationType.objects.create(
        program=mworld.program_a, name="Monthly refresher", validity_months=1
    )
    assert bea.pk not in eligible(family)
    qualification_record(
        mentor=bea, type=monthly, obtained_on=today - timedelta(days=10), by=mworld.coordinator
    )
    assert bea.pk in eligible(family)
    with mock.patch("django.utils.timezone.localdate", return_value=today + timedelta(days=40)):
        assert bea.pk not in eligible(family)


def test_a_language_added_on_the_profile_page_gives_its_reason(mworld) -> None:
    family, bea = mworld.objects["family"], mworld.objects["bea"]
    texts = [r.text for r in row_of(family, bea).ranked.reasons if r.criterion == "language"]
    assert not any("both speak" in t for t in texts)
    client = mworld.client("coordinator")
    page = client.get(reverse("mentors:edit", args=[bea.pk]))
    data = {k: v for k, v in page.context["form"].initial.items() if v not in (None, [])}
    data.update({"languages": ["en", "es"], "off_active_treatment": "unknown"})
    assert client.post(reverse("mentors:edit", args=[bea.pk]), data).status_code == 302
    texts = [r.text for r in row_of(family, bea).ranked.reasons if r.criterion == "language"]
    assert any("both speak" in t for t in texts)


def test_a_condition_added_and_a_category_changed(mworld) -> None:
    family, bea, vocab = mworld.objects["family"], mworld.objects["bea"], mworld.objects["vocab"]

    def condition_reason():
        return next(r for r in row_of(family, bea).ranked.reasons if r.criterion == "condition")

    assert condition_reason().met is not True
    bea.child_conditions.add(vocab["heart"])
    assert condition_reason().met is True
    other = vocab["other_heart"]
    bea.child_conditions.set([other])
    before = condition_reason()
    # The category of Bea's condition becomes the family's (an `.update()`, as a data fix does).
    heart = vocab["heart"]
    assert heart.category_id and other.category_id != heart.category_id
    type(other).objects.filter(pk=other.pk).update(category_id=heart.category_id)
    after = condition_reason()
    assert before.met is False and after.met is True and after.text != before.text
    fresh = next(
        row
        for row in rank_family(family, limit=None, cached=False).eligible
        if row.mentor.pk == bea.pk
    )
    assert [r for r in fresh.ranked.reasons if r.criterion == "condition"] == [after]


def test_the_readiness_rule_changed_on_the_settings_page(mworld) -> None:
    family = mworld.objects["family"]
    assert eligible(family)
    client = mworld.client("coordinator")
    data = {f"w_{c}": "2" for c in MatchSettings().default_levels()}
    data.update(
        {
            "target_hours": "48",
            "remind_days_before_end": "7",
            "fit_check_days": "14",
            "readiness": "off_treatment",
        }
    )
    assert client.post(reverse("matching:settings"), data).status_code == 302
    assert eligible(family) == []


def test_a_new_mentor_appears(mworld) -> None:
    family = mworld.objects["family"]
    before = eligible(family)
    cora = matchable_mentor(mworld, name="Cora Mentor", email="cora@a.test", languages=["es"])
    assert cora.pk not in before and cora.pk in eligible(family)


def test_another_programs_change_does_not_bump(mworld) -> None:
    program_a, program_b = mworld.program_a, mworld.program_b
    before = version(program_a)
    QualificationType.objects.create(program=program_b, name="B only check")
    assert version(program_a) == before and version(program_b) is not None


def test_a_change_that_is_not_an_engine_input_does_not_bump(mworld) -> None:
    ana = mworld.objects["ana"]
    before = version(mworld.program_a)
    ana.phone = "555-999-0000"
    ana.availability_notes = "Evenings"
    ana.save()
    assert version(mworld.program_a) == before


def test_a_rolled_back_change_does_not_bump_and_its_matrix_is_never_served(mworld) -> None:
    family, ana, bea = (mworld.objects[k] for k in ("family", "ana", "bea"))
    eligible(family)
    before = version(mworld.program_a)
    with pytest.raises(RuntimeError), transaction.atomic():
        mentor_change_status(
            mentor=ana,
            to="paused",
            by=mworld.coordinator,
            paused_until=timezone.localdate() + timedelta(days=30),
        )
        inside = version(mworld.program_a)
        assert inside is not None and before is not None and inside[0] > before[0]
        assert ana.pk not in eligible(family)  # kept under the rolled-back version
        raise RuntimeError
    assert version(mworld.program_a) == before
    ana.refresh_from_db()
    assert ana.pk in eligible(family)
    # The next committed change takes a version number the rolled-back one used, not its matrix.
    bea.culture = "latina"
    bea.save()
    after = version(mworld.program_a)
    assert after is not None and after[0] == before[0] + 1 and after[0] <= inside[0]
    assert after[1] != inside[1]
    assert ana.pk in eligible(family)


def test_a_program_without_a_version_row_is_never_kept(mworld) -> None:
    family, ana = mworld.objects["family"], mworld.objects["ana"]
    RosterVersion.objects.filter(program=mworld.program_a).delete()
    with mock.patch.object(roster, "mentor_sides", wraps=roster.mentor_sides) as read:
        eligible(family)
        eligible(family)
        assert read.call_count == 2
    assert ana.pk in eligible(family)


def test_the_coverage_and_batch_pages_see_the_change(mworld) -> None:
    from kindred.matching.planning import coverage_gaps

    ana = mworld.objects["ana"]
    matrix = roster.roster_matrix(
        mworld.program_a, MatchSettings.for_program(mworld.program_a), today=timezone.localdate()
    )
    assert matrix.matchable[matrix.row_of[ana.pk]]
    coverage_gaps(mworld.program_a)
    mentor_change_status(
        mentor=ana,
        to="paused",
        by=mworld.coordinator,
        paused_until=timezone.localdate() + timedelta(days=30),
    )
    matrix = roster.roster_matrix(
        mworld.program_a, MatchSettings.for_program(mworld.program_a), today=timezone.localdate()
    )
    assert not matrix.matchable[matrix.row_of[ana.pk]]


def test_the_triggers_are_in_the_database() -> None:
    """SQLite drops a table's triggers when a migration rebuilds the table (most field and
    constraint changes do): a later mentors or families migration then needs one recreating
    them (matching 0004's `statements`)."""
    from django.db import connection

    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'matching_roster_%%'")
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'matching_roster_%'"
            )
        found = {name for (name,) in cursor.fetchall()}
    expected = set()
    for sql in MIGRATION.statements(vendor, forward=True):
        for line in sql.splitlines():
            words = line.split()
            if words[:2] == ["CREATE", "TRIGGER"]:
                expected.add(words[2])
    assert expected and expected <= found
