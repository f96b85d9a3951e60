"""A referral's life through the one state-change pattern (kindred.audit.states): its table,
its reasons, its steps and contact attempts, each audited inside the change's transaction."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.audit.states import TransitionError
from kindred.core.testing.personas import request_as
from kindred.referrals.models import ContactAttempt, Referral, Transition
from kindred.referrals.status import Reason, Status, Step


def _in_progress(referral: Referral, by) -> Referral:
    referral.transition(to=Status.ACCEPTED, by=by)
    referral.transition(to=Status.IN_PROGRESS, by=by)
    return referral


def _written(referral: Referral) -> tuple[int, int, int]:
    return (
        Transition.objects.filter(referral=referral).count(),
        AuditEvent.objects.filter(action__startswith="referrals.").count(),
        ContactAttempt.objects.filter(referral=referral).count(),
    )


# --- The table ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ([], Status.IN_PROGRESS),  # work starts once the program accepted the referral
        ([], Status.ON_HOLD),
        ([], Status.FAILED),  # "closed without support" needs a contact to have been tried
        ([Status.ACCEPTED], Status.REQUESTED),
        ([Status.ACCEPTED], Status.REJECTED),  # declining is the answer to a request
        ([Status.REJECTED], Status.ACCEPTED),
        ([Status.CANCELLED], Status.IN_PROGRESS),
        ([Status.ENTERED_IN_ERROR], Status.REQUESTED),
    ],
)
def test_it_refuses_moves_the_table_does_not_allow_and_writes_nothing(world, referral, path, to):
    for status in path:
        referral.transition(to=status, by=world.coordinator, reason=Reason.OTHER)
    before = _written(referral)
    with pytest.raises(TransitionError) as refused:
        referral.transition(to=to, by=world.coordinator, reason=Reason.OTHER)
    assert isinstance(refused.value, ValidationError) and refused.value.code == "not_allowed"
    assert _written(referral) == before
    assert Referral.objects.get(pk=referral.pk).status == (path[-1] if path else Status.REQUESTED)


def test_it_offers_only_the_moves_of_the_table(world, referral):
    assert referral.allowed_statuses() == [
        Status.ACCEPTED,
        Status.REJECTED,
        Status.CANCELLED,
        Status.ENTERED_IN_ERROR,
    ]
    referral.transition(to=Status.CANCELLED, by=world.coordinator, reason=Reason.DUPLICATE)
    assert referral.allowed_statuses() == [Status.ENTERED_IN_ERROR]


def test_it_pauses_and_resumes_work(world, referral):
    _in_progress(referral, world.coordinator)
    referral.transition(to=Status.ON_HOLD, by=world.coordinator, reason=Reason.CHILD_HOSPITALIZED)
    row = referral.transition(to=Status.IN_PROGRESS, by=world.coordinator)
    assert (row.from_status, row.to_status, row.from_step, row.to_step) == (
        "on-hold",
        "in-progress",
        "contacting",
        "contacting",
    )
    assert Referral.objects.get(pk=referral.pk).status_reason == ""


def test_it_requires_a_reason_from_the_list(world, referral):
    with pytest.raises(TransitionError) as refused:
        referral.transition(to=Status.REJECTED, by=world.coordinator, reason="  ")
    assert refused.value.code == "reason_required"
    with pytest.raises(TransitionError) as refused:
        referral.transition(to=Status.REJECTED, by=world.coordinator, reason="we are busy")
    assert refused.value.code == "invalid_reason"
    assert not Transition.objects.filter(referral=referral, to_status="rejected").exists()
    assert Referral.objects.get(pk=referral.pk).status == Status.REQUESTED


def test_it_completes_only_at_an_outcome_step_and_refers_out_with_a_name(world, referral):
    _in_progress(referral, world.coordinator)
    with pytest.raises(TransitionError) as refused:
        referral.transition(to=Status.COMPLETED, by=world.coordinator)
    assert refused.value.code == "outcome_required"
    with pytest.raises(TransitionError) as refused:
        referral.transition(to=Status.COMPLETED, by=world.coordinator, step=Step.REFERRED_OUT)
    assert refused.value.code == "resource_required"
    row = referral.transition(
        to=Status.COMPLETED,
        by=world.coordinator,
        step=Step.REFERRED_OUT,
        referred_out_to="Heart Moms group",
    )
    referral.refresh_from_db()
    assert (row.from_step, row.to_step) == ("contacting", "referred-out")
    assert referral.referred_out_to == "Heart Moms group" and referral.closed_at is not None


# --- Audit inside the transaction -----------------------------------------------------------


def test_it_writes_the_status_event_once_inside_the_move(world, referral):
    request = request_as(world.coordinator)
    referral.transition(to=Status.ACCEPTED, by=world.coordinator, request=request)
    events = AuditEvent.objects.filter(action="referrals.referral.status_changed")
    assert events.count() == 1
    event = events.get()
    assert (event.object_id, event.program_id, event.actor) == (
        str(referral.pk),
        world.program_a.pk,
        world.coordinator,
    )
    assert event.detail == {"from": "requested", "to": "accepted"}
    assert {"status", "accepted_at"} <= set(event.fields)


def test_it_writes_one_status_event_through_the_service(world, referral):
    from kindred.referrals.services import referral_move

    referral_move(referral=referral, to=Status.ACCEPTED, by=world.coordinator)
    assert AuditEvent.objects.filter(action="referrals.referral.status_changed").count() == 1


def test_it_moves_nothing_when_the_status_event_fails(world, referral):
    with (
        mock.patch("kindred.audit.states.record", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError),
    ):
        referral.transition(to=Status.ACCEPTED, by=world.coordinator)
    fresh = Referral.objects.get(pk=referral.pk)
    assert fresh.status == Status.REQUESTED and fresh.accepted_at is None
    assert not Transition.objects.filter(referral=referral, to_status="accepted").exists()


def test_it_writes_the_step_event_inside_the_step_change(world, referral):
    _in_progress(referral, world.coordinator)
    referral.change_step(step=Step.INTAKE_DONE, by=world.coordinator)
    event = AuditEvent.objects.get(action="referrals.referral.step_changed")
    assert event.detail == {"from": "contacting", "to": "intake-done", "service": None}
    with (
        mock.patch("kindred.audit.states.record", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError),
    ):
        referral.change_step(step=Step.MATCHED, by=world.coordinator)
    fresh = Referral.objects.get(pk=referral.pk)
    assert fresh.step == Step.INTAKE_DONE and fresh.supported_at is None
    assert not Transition.objects.filter(referral=referral, to_step="matched").exists()


def test_it_refuses_a_step_outside_in_progress_and_writes_nothing(world, referral):
    before = _written(referral)
    for step in (Step.INTAKE_DONE, "lunch"):
        with pytest.raises(TransitionError):
            referral.change_step(step=step, by=world.coordinator)
    assert _written(referral) == before


def test_it_writes_the_contact_attempt_event_inside_the_attempt(world, referral):
    referral.log_contact_attempt(by=world.coordinator, method="phone", outcome="voicemail")
    event = AuditEvent.objects.get(action="referrals.contactattempt.created")
    assert event.detail == {"referral": referral.pk} and event.program_id == world.program_a.pk
    with (
        mock.patch("kindred.referrals.models.record", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError),
    ):
        referral.log_contact_attempt(by=world.coordinator, method="text", outcome="no-answer")
    assert ContactAttempt.objects.filter(referral=referral).count() == 1


def test_it_refuses_a_contact_attempt_on_a_closed_referral(world, referral):
    referral.transition(to=Status.REJECTED, by=world.coordinator, reason=Reason.NOT_ELIGIBLE)
    before = _written(referral)
    with pytest.raises(TransitionError) as refused:
        referral.log_contact_attempt(by=world.coordinator, method="phone", outcome="reached")
    assert refused.value.code == "closed"
    assert _written(referral) == before


# --- Concurrency: the locked row, not a stale copy ------------------------------------------


def test_it_reads_the_locked_row_not_a_stale_copy(world, referral):
    stale = Referral.objects.get(pk=referral.pk)
    referral.transition(to=Status.ACCEPTED, by=world.coordinator)
    # The stale copy still says "requested"; the move is checked against the database's row.
    row = stale.transition(to=Status.IN_PROGRESS, by=world.coordinator)
    assert row.from_status == Status.ACCEPTED and stale.step == Step.CONTACTING
    again = Referral.objects.get(pk=referral.pk)
    referral.transition(to=Status.ON_HOLD, by=world.coordinator, reason=Reason.FAMILY_REQUEST)
    with pytest.raises(TransitionError):
        again.change_step(step=Step.INTAKE_DONE, by=world.coordinator)
    assert again.status == Status.ON_HOLD  # it now shows what the database holds


def test_it_stops_the_clock_from_a_stale_copy_without_losing_a_status(world, referral):
    stale = Referral.objects.get(pk=referral.pk)
    referral.transition(to=Status.ACCEPTED, by=world.coordinator)
    stale.log_contact_attempt(by=world.coordinator, method="phone", outcome="reached")
    fresh = Referral.objects.get(pk=referral.pk)
    assert fresh.status == Status.ACCEPTED and fresh.first_contact_at is not None


# --- Pages: a refused move is shown again with 400, input kept ------------------------------


def test_it_shows_a_refused_completion_again_with_the_note_kept(world, referral):
    _in_progress(referral, world.coordinator)
    before = _written(referral)
    response = world.client("coordinator").post(
        reverse("referrals:transition", args=[referral.pk]),
        {"status-to": "completed", "status-note": "Family wants to wait"},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "completed once the family is matched" in content and "Family wants to wait" in content
    assert _written(referral) == before


def test_it_shows_a_refused_step_again_with_400(world, referral):
    _in_progress(referral, world.coordinator)
    before = _written(referral)
    response = world.client("coordinator").post(
        reverse("referrals:step", args=[referral.pk]),
        {"step-step": "contacting", "step-note": "Called twice"},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "already at this step" in content and "Called twice" in content
    assert _written(referral) == before


def test_it_refuses_another_programs_coordinator_every_change(world, referral):
    _in_progress(referral, world.coordinator)
    before = _written(referral)
    client = world.client("outsider")
    for name, data in (
        ("referrals:transition", {"status-to": "on-hold", "status-reason": "other"}),
        ("referrals:step", {"step-step": "intake-done"}),
        (
            "referrals:contact_attempt",
            {"attempt-method": "phone", "attempt-outcome": "reached"},
        ),
    ):
        assert client.post(reverse(name, args=[referral.pk]), data).status_code == 404
    assert Transition.objects.filter(referral=referral).count() == before[0]
    assert ContactAttempt.objects.filter(referral=referral).count() == before[2]
    assert Referral.objects.get(pk=referral.pk).step == Step.CONTACTING


def test_it_speaks_spanish_when_refusing(world, referral):
    from django.utils import translation

    with translation.override("es"), pytest.raises(TransitionError) as refused:
        referral.log_contact_attempt(
            by=world.coordinator,
            method="phone",
            outcome="reached",
            at=timezone.now() + timedelta(days=1),
        )
    with translation.override("es"):
        assert "futuro" in refused.value.messages[0]
