"""The mentor lifecycle: statuses, reasons, screening and training gates, eligibility."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from kindred.audit.states import TransitionError
from kindred.mentors.eligibility import is_matchable, not_matchable_reasons
from kindred.mentors.models import Mentor, MentorStatusChange, QualificationType
from kindred.mentors.services import mentor_change_status, qualification_record
from kindred.mentors.tests.factories import (
    make_active,
    make_applicant,
    make_cohort,
    make_course,
    qualify_fully,
    screen_fully,
)

pytestmark = pytest.mark.django_db


def test_it_moves_an_applicant_to_active_writing_each_transition(mentor_world) -> None:
    w = mentor_world
    mentor = make_active(w.program_a, w.coordinator)
    assert mentor.status == "active"
    moves = list(
        MentorStatusChange.objects.filter(mentor=mentor)
        .order_by("at", "id")
        .values_list("from_status", "to_status")
    )
    assert moves == [
        ("", "applicant"),
        ("applicant", "screening"),
        ("screening", "training"),
        ("training", "active"),
    ]


def test_it_refuses_training_before_screening_is_complete(mentor_world) -> None:
    w = mentor_world
    mentor = make_applicant(w.program_a)
    mentor.transition(to="screening", by=w.coordinator)
    with pytest.raises(TransitionError) as error:
        mentor.transition(to="training", by=w.coordinator)
    assert "Background check" in " ".join(error.value.messages)
    mentor.refresh_from_db()
    assert mentor.status == "screening"
    assert mentor.transitions.count() == 2


def test_it_refuses_activation_before_required_training(mentor_world) -> None:
    w = mentor_world
    course = make_course(w.program_a, required=True)
    mentor = make_applicant(w.program_a)
    mentor.transition(to="screening", by=w.coordinator)
    screen_fully(mentor, w.coordinator)
    mentor.transition(to="training", by=w.coordinator)
    with pytest.raises(TransitionError):
        mentor.transition(to="active", by=w.coordinator)
    cohort = make_cohort(w.program_a, course, [mentor])
    for session in cohort.sessions.all():
        session.record_attendance(present_ids={mentor.pk}, by=w.coordinator)
    mentor.transition(to="active", by=w.coordinator)
    assert mentor.status == "active"


def test_it_requires_a_reason_to_decline_and_a_return_date_to_pause(mentor_world) -> None:
    w = mentor_world
    mentor = make_applicant(w.program_a)
    with pytest.raises(TransitionError):
        mentor.transition(to="declined", by=w.coordinator, reason="  ")
    mentor.transition(to="declined", by=w.coordinator, reason="Not the right time for her family.")
    active = make_active(w.program_a, w.coordinator, email="other@example.test")
    with pytest.raises(TransitionError):
        active.transition(to="paused", by=w.coordinator)
    with pytest.raises(TransitionError):
        active.transition(to="paused", by=w.coordinator, paused_until=timezone.localdate())
    active.transition(
        to="paused", by=w.coordinator, paused_until=timezone.localdate() + timedelta(days=30)
    )
    assert active.paused_until is not None


def test_it_refuses_a_move_the_lifecycle_does_not_allow(mentor_world) -> None:
    mentor = make_applicant(mentor_world.program_a)
    with pytest.raises(TransitionError):
        mentor.transition(to="active", by=mentor_world.coordinator)


def test_it_enforces_the_pause_return_date_in_the_database(mentor_world) -> None:
    mentor = make_applicant(mentor_world.program_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Mentor.objects.filter(pk=mentor.pk).update(status="paused", paused_until=None)


def test_it_makes_an_active_qualified_mentor_matchable(mentor_world) -> None:
    w = mentor_world
    mentor = make_active(w.program_a, w.coordinator)
    assert is_matchable(mentor)
    assert list(Mentor.objects.matchable(w.program_a)) == [mentor]


def test_it_makes_a_mentor_unmatchable_when_a_required_qualification_expires(mentor_world) -> None:
    w = mentor_world
    mentor = make_active(w.program_a, w.coordinator)
    refresher = QualificationType.objects.get(program=w.program_a, name="Annual refresher training")
    expiry = mentor.qualifications.get(type=refresher).expires_on
    assert is_matchable(mentor, on=expiry)
    day_after = expiry + timedelta(days=1)
    assert not is_matchable(mentor, on=day_after)
    assert "Annual refresher training has expired." in not_matchable_reasons(mentor, on=day_after)
    assert not Mentor.objects.matchable(w.program_a, on=day_after).exists()
    # Renewing the refresher alone is not enough: the confidentiality agreement lapsed too.
    qualification_record(mentor=mentor, type=refresher, obtained_on=expiry, by=w.coordinator)
    assert not_matchable_reasons(mentor, on=day_after) == ["Confidentiality agreement has expired."]
    qualify_fully(mentor, w.coordinator, obtained_on=expiry)
    assert is_matchable(mentor, on=day_after)
    assert Mentor.objects.matchable(w.program_a, on=day_after).exists()


def test_it_ignores_expired_qualifications_that_are_not_required(mentor_world) -> None:
    w = mentor_world
    mentor = make_active(w.program_a, w.coordinator)
    clearance = QualificationType.objects.get(program=w.program_a, name="Inpatient clearance")
    qualification_record(
        mentor=mentor,
        type=clearance,
        obtained_on=timezone.localdate() - timedelta(days=800),
        by=w.coordinator,
    )
    assert is_matchable(mentor)


def test_it_does_not_match_paused_full_or_unqualified_mentors(mentor_world) -> None:
    w = mentor_world
    paused = make_active(w.program_a, w.coordinator, email="p@example.test")
    mentor_change_status(
        mentor=paused,
        to="paused",
        by=w.coordinator,
        paused_until=timezone.localdate() + timedelta(days=10),
    )
    full = make_active(w.program_a, w.coordinator, email="f@example.test")
    Mentor.objects.filter(pk=full.pk).update(active_family_count=5, max_families=5)
    full.refresh_from_db()
    unqualified = make_applicant(w.program_a, email="u@example.test")
    unqualified.transition(to="screening", by=w.coordinator)
    screen_fully(unqualified, w.coordinator)
    unqualified.transition(to="training", by=w.coordinator)
    unqualified.transition(to="active", by=w.coordinator)
    ok = make_active(w.program_a, w.coordinator, email="ok@example.test")
    for mentor, fragment in (
        (paused, "Paused until"),
        (full, "no room"),
        (unqualified, "is missing"),
    ):
        reasons = not_matchable_reasons(mentor)
        assert any(fragment in r for r in reasons), reasons
    assert set(Mentor.objects.matchable(w.program_a)) == {ok}
    # The one rule and the one query agree on everybody.
    for mentor in Mentor.objects.filter(program=w.program_a):
        assert (
            is_matchable(mentor)
            == Mentor.objects.matchable(w.program_a).filter(pk=mentor.pk).exists()
        )


def test_it_keeps_matchable_inside_the_program(mentor_world) -> None:
    w = mentor_world
    make_active(w.program_a, w.coordinator)
    assert not Mentor.objects.matchable(w.program_b).exists()


def test_it_counts_qualification_expiry_from_the_type_validity(mentor_world) -> None:
    w = mentor_world
    mentor = make_applicant(w.program_a)
    check = QualificationType.objects.get(program=w.program_a, name="Background check")
    q = qualification_record(
        mentor=mentor,
        type=check,
        obtained_on=timezone.localdate().replace(day=15),
        by=w.coordinator,
    )
    assert (q.expires_on.year - q.obtained_on.year) == 3 and q.expires_on.day == 15
    qualify_fully(mentor, w.coordinator)
