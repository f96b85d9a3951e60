"""The mentors' statuses follow the one state-change pattern (kindred.audit.states): the tables,
the rules, the transition rows and the audit event inside the move's transaction."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.audit.states import TransitionError
from kindred.core.testing.personas import request_as
from kindred.mentors.models import Escalation, EscalationChange, Mentor, MentorStatusChange
from kindred.mentors.services import mentor_change_status
from kindred.mentors.tests.factories import make_active, make_applicant, screen_fully

pytestmark = pytest.mark.django_db

FUTURE = timedelta(days=30)


def _written(model) -> tuple[int, int]:
    return model.objects.count(), AuditEvent.objects.count()


# --- Mentor ---------------------------------------------------------------------------------


def test_it_moves_a_mentor_writing_the_row_and_one_audit_event(mentor_world) -> None:
    w = mentor_world
    mentor = make_applicant(w.program_a)
    request = request_as(w.coordinator)
    change = mentor_change_status(mentor=mentor, to="screening", by=w.coordinator, request=request)
    assert isinstance(change, MentorStatusChange)
    assert (change.mentor, change.from_status, change.to_status, change.by) == (
        mentor,
        "applicant",
        "screening",
        w.coordinator,
    )
    mentor.refresh_from_db()
    assert mentor.status == "screening" and mentor.status_changed_at == change.at
    # One event, written by the transition (the service adds no second one).
    event = AuditEvent.objects.get(action="mentors.mentor.status_changed")
    assert event.object_id == str(mentor.pk) and event.program_id == w.program_a.pk
    assert event.actor == w.coordinator
    assert event.detail == {"from": "applicant", "to": "screening"}


@pytest.mark.parametrize("to", ["training", "active", "paused", "alumni", "applicant"])
def test_it_refuses_an_applicant_a_move_the_table_does_not_allow(mentor_world, to) -> None:
    w = mentor_world
    mentor = make_applicant(w.program_a)
    before = _written(MentorStatusChange)
    with pytest.raises(TransitionError) as refused:
        mentor.transition(
            to=to, by=w.coordinator, reason="Because", paused_until=timezone.localdate() + FUTURE
        )
    assert refused.value.code == "not_allowed"
    assert Mentor.objects.get(pk=mentor.pk).status == "applicant"
    assert _written(MentorStatusChange) == before


def test_it_lists_the_moves_of_the_table_in_the_order_of_the_statuses(mentor_world) -> None:
    w = mentor_world
    mentor = make_active(w.program_a, w.coordinator)
    assert mentor.allowed_statuses() == ["paused", "alumni"]
    mentor.transition(to="alumni", by=w.coordinator, reason="Moved to another state.")
    assert mentor.allowed_statuses() == ["screening", "active"]


@pytest.mark.parametrize("to", ["declined", "alumni"])
def test_it_requires_a_reason_to_decline_or_to_end(mentor_world, to) -> None:
    w = mentor_world
    mentor = make_applicant(w.program_a)
    if to == "alumni":
        mentor = make_active(w.program_a, w.coordinator, email="ending@example.test")
    before = _written(MentorStatusChange)
    with pytest.raises(TransitionError) as refused:
        mentor.transition(to=to, by=w.coordinator, reason="   ")
    assert refused.value.code == "reason_required"
    assert _written(MentorStatusChange) == before
    change = mentor.transition(to=to, by=w.coordinator, reason="  Not the right time.  ")
    assert change.reason == "Not the right time."
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorStatusChange.objects.create(mentor=mentor, from_status="active", to_status=to)


def test_it_pauses_with_a_future_return_date_kept_on_the_row(mentor_world) -> None:
    w = mentor_world
    mentor = make_active(w.program_a, w.coordinator)
    before = _written(MentorStatusChange)
    for paused_until, code in (
        (None, "return_date_required"),
        (timezone.localdate(), "return_date_past"),
    ):
        with pytest.raises(TransitionError) as refused:
            mentor.transition(to="paused", by=w.coordinator, paused_until=paused_until)
        assert refused.value.code == code
    assert _written(MentorStatusChange) == before
    back = timezone.localdate() + FUTURE
    change = mentor.transition(to="paused", by=w.coordinator, paused_until=back)
    assert change.paused_until == back == Mentor.objects.get(pk=mentor.pk).paused_until
    resumed = mentor.transition(to="active", by=w.coordinator, paused_until=back)
    assert resumed.paused_until is None and Mentor.objects.get(pk=mentor.pk).paused_until is None
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorStatusChange.objects.create(mentor=mentor, from_status="active", to_status="paused")


def test_it_keeps_the_gates_screening_before_training(mentor_world) -> None:
    w = mentor_world
    mentor = make_applicant(w.program_a)
    mentor.transition(to="screening", by=w.coordinator)
    with pytest.raises(TransitionError) as refused:
        mentor.transition(to="training", by=w.coordinator)
    assert refused.value.code == "screening_incomplete"
    screen_fully(mentor, w.coordinator)
    assert mentor.transition(to="training", by=w.coordinator).from_status == "screening"


def test_it_writes_no_mentor_move_when_the_audit_event_fails(mentor_world) -> None:
    w = mentor_world
    mentor = make_applicant(w.program_a)
    before = MentorStatusChange.objects.count()
    with (
        mock.patch("kindred.audit.states.record", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError),
    ):
        mentor_change_status(mentor=mentor, to="screening", by=w.coordinator)
    assert Mentor.objects.get(pk=mentor.pk).status == "applicant"
    assert MentorStatusChange.objects.count() == before


def test_it_checks_a_stale_mentor_against_the_database(mentor_world) -> None:
    w = mentor_world
    mentor = make_applicant(w.program_a)
    stale = Mentor.objects.get(pk=mentor.pk)
    mentor.transition(to="screening", by=w.coordinator)
    # The stale copy still says "applicant"; the database's "screening" decides.
    with pytest.raises(TransitionError):
        stale.transition(to="screening", by=w.coordinator)
    change = stale.transition(to="declined", by=w.coordinator, reason="Withdrew.")
    assert change.from_status == "screening" and stale.status == "declined"


def test_it_calls_the_place_for_leaving_matching_inside_the_move(mentor_world) -> None:
    """Pausing or ending an active mentor runs services.mentor_stop_matching (where the matching
    app will withdraw offers) in the move's transaction; other moves do not."""
    w = mentor_world
    mentor = make_active(w.program_a, w.coordinator)
    with mock.patch("kindred.mentors.services.mentor_stop_matching") as stop:
        change = mentor_change_status(
            mentor=mentor,
            to="paused",
            by=w.coordinator,
            paused_until=timezone.localdate() + FUTURE,
        )
        stop.assert_called_once_with(mentor=mentor, change=change, request=None)
        mentor_change_status(mentor=mentor, to="active", by=w.coordinator)
        assert stop.call_count == 1
    with (
        mock.patch(
            "kindred.mentors.services.mentor_stop_matching", side_effect=RuntimeError("failed")
        ),
        pytest.raises(RuntimeError),
    ):
        mentor_change_status(mentor=mentor, to="alumni", by=w.coordinator, reason="Retired.")
    assert Mentor.objects.get(pk=mentor.pk).status == "active"
    assert not mentor.transitions.filter(to_status="alumni").exists()
    assert not AuditEvent.objects.filter(
        action="mentors.mentor.status_changed", detail__to="alumni"
    ).exists()


def test_it_shows_a_refused_move_next_to_its_field_with_the_input_kept(mentor_world) -> None:
    w = mentor_world
    mentor = make_active(w.program_a, w.coordinator)
    rows = MentorStatusChange.objects.count()
    moves = AuditEvent.objects.filter(action="mentors.mentor.status_changed").count()
    response = w.client("coordinator").post(
        reverse("mentors:status", args=[mentor.pk]),
        {
            "to": "paused",
            "paused_until": timezone.localdate().isoformat(),
            "reason": "Surgery for her son",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_paused_until_error"' in body and "must be in the future" in body
    assert "Surgery for her son" in body
    assert Mentor.objects.get(pk=mentor.pk).status == "active"
    # The page shown again is audited as a read; there is no move and no move's event.
    assert MentorStatusChange.objects.count() == rows
    assert AuditEvent.objects.filter(action="mentors.mentor.status_changed").count() == moves


def test_it_shows_an_unfinished_screening_above_the_status_form(mentor_world) -> None:
    w = mentor_world
    mentor = make_applicant(w.program_a)
    mentor.transition(to="screening", by=w.coordinator)
    response = w.client("coordinator").post(
        reverse("mentors:status", args=[mentor.pk]), {"to": "training", "reason": ""}
    )
    assert response.status_code == 400
    assert "Screening is not complete" in response.content.decode()
    assert Mentor.objects.get(pk=mentor.pk).status == "screening"


def test_it_refuses_another_programs_coordinator_a_move(mentor_world) -> None:
    w = mentor_world
    mentor = make_applicant(w.program_a)
    before = MentorStatusChange.objects.count()
    response = w.client("outsider").post(
        reverse("mentors:status", args=[mentor.pk]), {"to": "declined", "reason": "No."}
    )
    assert response.status_code == 404
    assert Mentor.objects.get(pk=mentor.pk).status == "applicant"
    assert MentorStatusChange.objects.count() == before


# --- Escalation -----------------------------------------------------------------------------


@pytest.fixture
def escalation(mentor_world) -> Escalation:
    w = mentor_world
    mentor = make_active(w.program_a, w.coordinator)
    return Escalation.objects.create(
        program=w.program_a, mentor=mentor, raised_by=w.coordinator, concern="A hard call"
    )


def test_it_acknowledges_then_resolves_an_escalation(mentor_world, escalation) -> None:
    w = mentor_world
    request = request_as(w.supervisor)
    ack = escalation.acknowledge(by=w.supervisor, note="Calling her today", request=request)
    assert isinstance(ack, EscalationChange)
    assert (ack.from_status, ack.to_status, ack.note, ack.by) == (
        "open",
        "acknowledged",
        "Calling her today",
        w.supervisor,
    )
    done = escalation.resolve(by=w.coordinator, notes="  Talked it through.  ")
    escalation.refresh_from_db()
    assert escalation.status == "resolved"
    assert (escalation.acknowledged_by, escalation.acknowledged_at) == (w.supervisor, ack.at)
    assert (escalation.resolved_by, escalation.resolved_at) == (w.coordinator, done.at)
    assert escalation.resolution_notes == done.note == "Talked it through."
    events = AuditEvent.objects.filter(object_type="mentors.escalation").order_by("id")
    assert [(e.action, e.detail) for e in events] == [
        ("mentors.escalation.acknowledged", {"from": "open", "to": "acknowledged"}),
        ("mentors.escalation.resolved", {"from": "acknowledged", "to": "resolved"}),
    ]
    assert "Talked" not in str(events[1].detail)


def test_it_resolves_an_open_escalation_at_once_acknowledging_it(mentor_world, escalation) -> None:
    w = mentor_world
    done = escalation.resolve(by=w.supervisor, notes="Called the social worker.")
    assert done.from_status == "open"
    escalation.refresh_from_db()
    assert escalation.acknowledged_by == w.supervisor and escalation.acknowledged_at == done.at


def test_it_refuses_moves_after_resolution_and_writes_nothing(mentor_world, escalation) -> None:
    w = mentor_world
    escalation.resolve(by=w.supervisor, notes="Done.")
    before = _written(EscalationChange)
    for move in (
        lambda: escalation.acknowledge(by=w.supervisor),
        lambda: escalation.resolve(by=w.supervisor, notes="Again."),
    ):
        with pytest.raises(TransitionError) as refused:
            move()
        assert refused.value.code == "not_allowed"
    assert _written(EscalationChange) == before
    assert Escalation.objects.get(pk=escalation.pk).resolution_notes == "Done."


def test_it_requires_what_was_done_to_resolve(mentor_world, escalation) -> None:
    w = mentor_world
    before = _written(EscalationChange)
    with pytest.raises(TransitionError) as refused:
        escalation.resolve(by=w.supervisor, notes="   ")
    assert refused.value.code == "response_required"
    assert _written(EscalationChange) == before
    assert Escalation.objects.get(pk=escalation.pk).status == "open"
    with pytest.raises(IntegrityError), transaction.atomic():
        EscalationChange.objects.create(
            escalation=escalation, from_status="open", to_status="resolved", by=w.supervisor
        )


def test_it_writes_no_escalation_move_when_the_audit_event_fails(mentor_world, escalation) -> None:
    w = mentor_world
    with (
        mock.patch("kindred.audit.states.record", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError),
    ):
        escalation.resolve(by=w.supervisor, notes="Done.")
    fresh = Escalation.objects.get(pk=escalation.pk)
    assert fresh.status == "open" and fresh.resolved_at is None and fresh.acknowledged_at is None
    assert not escalation.transitions.exists()


def test_it_checks_a_stale_escalation_against_the_database(mentor_world, escalation) -> None:
    w = mentor_world
    stale = Escalation.objects.get(pk=escalation.pk)
    escalation.resolve(by=w.coordinator, notes="Done.")
    with pytest.raises(TransitionError):
        stale.acknowledge(by=w.supervisor)
    # The refused copy now shows what the database holds.
    assert stale.status == "resolved" and stale.resolved_by == w.coordinator


def test_it_shows_a_refused_acknowledgement_with_400_and_one_event_per_move(
    mentor_world, escalation
) -> None:
    w = mentor_world
    client = w.client("supervisor")
    url = reverse("mentors:escalation_acknowledge", args=[escalation.pk])
    assert client.post(url).status_code == 302
    response = client.post(url)
    assert response.status_code == 400
    assert "cannot become" in response.content.decode()
    assert EscalationChange.objects.filter(escalation=escalation).count() == 1
    assert AuditEvent.objects.filter(action="mentors.escalation.acknowledged").count() == 1
    response = client.post(
        reverse("mentors:escalation_resolve", args=[escalation.pk]), {"notes": "Done."}
    )
    assert response.status_code == 302
    again = client.post(
        reverse("mentors:escalation_resolve", args=[escalation.pk]), {"notes": "Twice"}
    )
    assert again.status_code == 400 and "cannot become" in again.content.decode()
    assert AuditEvent.objects.filter(action="mentors.escalation.resolved").count() == 1


def test_it_refuses_another_programs_coordinator_an_escalation_move(
    mentor_world, escalation
) -> None:
    w = mentor_world
    client = w.client("outsider")
    for name, data in (
        ("mentors:escalation_acknowledge", {}),
        ("mentors:escalation_resolve", {"notes": "Not mine."}),
    ):
        assert client.post(reverse(name, args=[escalation.pk]), data).status_code == 404
    assert Escalation.objects.get(pk=escalation.pk).status == "open"
    assert not escalation.transitions.exists()
