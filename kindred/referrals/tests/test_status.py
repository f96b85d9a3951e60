from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from kindred.audit.states import TransitionError
from kindred.referrals.deadlines import BusinessHours, due_at
from kindred.referrals.models import Referral, Transition
from kindred.referrals.status import Reason, Status, Step

CHICAGO = ZoneInfo("America/Chicago")


def test_it_moves_through_the_fhir_task_statuses_writing_a_transition_each_time(world, referral):
    coordinator = world.coordinator
    referral.transition(to=Status.ACCEPTED, by=coordinator)
    referral.transition(to=Status.IN_PROGRESS, by=coordinator)
    assert referral.step == Step.CONTACTING
    referral.change_step(step=Step.INTAKE_DONE, by=coordinator)
    referral.change_step(step=Step.MATCHED, by=coordinator)
    referral.transition(to=Status.COMPLETED, by=coordinator)
    referral.refresh_from_db()
    assert referral.status == Status.COMPLETED
    assert referral.accepted_at and referral.supported_at and referral.closed_at
    rows = list(referral.transitions.values_list("from_status", "to_status", "to_step"))
    assert rows == [
        ("", "requested", ""),
        ("requested", "accepted", ""),
        ("accepted", "in-progress", "contacting"),
        ("in-progress", "in-progress", "intake-done"),
        ("in-progress", "in-progress", "matched"),
        ("in-progress", "completed", "matched"),
    ]
    assert all(t.by == coordinator for t in referral.transitions.all()[1:])


@pytest.mark.parametrize("to", [Status.REJECTED, Status.CANCELLED, Status.FAILED])
def test_it_requires_a_reason_for_declining_cancelling_or_failing(world, referral, to):
    if to == Status.FAILED:
        referral.transition(to=Status.ACCEPTED, by=world.coordinator)
    before = referral.transitions.count()
    with pytest.raises(TransitionError):
        referral.transition(to=to, by=world.coordinator)
    assert referral.transitions.count() == before
    referral.transition(to=to, by=world.coordinator, reason=Reason.UNABLE_TO_REACH)
    referral.refresh_from_db()
    assert referral.status == to and referral.status_reason == Reason.UNABLE_TO_REACH


def test_it_requires_a_reason_to_put_on_hold(world, referral):
    referral.transition(to=Status.ACCEPTED, by=world.coordinator)
    with pytest.raises(TransitionError):
        referral.transition(to=Status.ON_HOLD, by=world.coordinator)
    referral.transition(to=Status.ON_HOLD, by=world.coordinator, reason=Reason.FAMILY_REQUEST)
    referral.transition(to=Status.IN_PROGRESS, by=world.coordinator)
    referral.refresh_from_db()
    assert referral.status_reason == ""


def test_it_refuses_transitions_the_state_machine_does_not_allow(world, referral):
    with pytest.raises(TransitionError):
        referral.transition(to=Status.COMPLETED, by=world.coordinator)
    referral.transition(to=Status.ACCEPTED, by=world.coordinator)
    referral.transition(to=Status.IN_PROGRESS, by=world.coordinator)
    # Completed means the family got support: an outcome step first.
    with pytest.raises(TransitionError):
        referral.transition(to=Status.COMPLETED, by=world.coordinator)
    referral.transition(to=Status.ENTERED_IN_ERROR, by=world.coordinator)
    with pytest.raises(TransitionError):
        referral.transition(to=Status.ACCEPTED, by=world.coordinator)


def test_it_needs_the_resource_name_to_refer_out(world, referral):
    referral.transition(to=Status.ACCEPTED, by=world.coordinator)
    referral.transition(to=Status.IN_PROGRESS, by=world.coordinator)
    with pytest.raises(TransitionError):
        referral.change_step(step=Step.REFERRED_OUT, by=world.coordinator)
    referral.change_step(
        step=Step.REFERRED_OUT, by=world.coordinator, referred_out_to="Heart Moms group"
    )
    referral.transition(to=Status.COMPLETED, by=world.coordinator)
    referral.refresh_from_db()
    assert referral.referred_out_to == "Heart Moms group"
    assert referral.supported_at is None  # referred out is not matched


def test_it_enforces_the_reason_in_the_database(world, referral):
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(status=Status.REJECTED, status_reason="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Transition.objects.create(
            referral=referral, from_status="requested", to_status="cancelled", reason=""
        )


def test_it_refuses_a_referral_without_consent_in_the_database(world, referral):
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(consent_to_contact=False)


def test_it_counts_the_target_around_the_clock_by_default():
    received = datetime(2026, 2, 6, 16, 0, tzinfo=CHICAGO)  # a Friday afternoon
    assert due_at(received, 48) == datetime(2026, 2, 8, 16, 0, tzinfo=CHICAGO)


def test_it_counts_the_target_in_business_hours_when_the_program_says_so():
    hours = BusinessHours(start=time(9), end=time(17))
    friday_4pm = datetime(2026, 3, 6, 16, 0, tzinfo=CHICAGO)
    # 1 hour on Friday, 8 on Monday, 8 on Tuesday = 17; 48 business hours reach the next Friday.
    assert due_at(friday_4pm, 17, hours) == datetime(2026, 3, 10, 17, 0, tzinfo=CHICAGO)
    saturday = datetime(2026, 3, 7, 10, 0, tzinfo=CHICAGO)
    assert due_at(saturday, 2, hours) == datetime(2026, 3, 9, 11, 0, tzinfo=CHICAGO)
    night = datetime(2026, 3, 9, 22, 0, tzinfo=CHICAGO)  # Monday night
    assert due_at(night, 8, hours) == datetime(2026, 3, 10, 17, 0, tzinfo=CHICAGO)


def test_it_refers_out_to_a_directory_service(world, referral):
    from kindred.directory.models import Organization, Service

    organization = Organization.objects.create(
        steward=world.org_a, name="Heart Families Network", description="Parent network"
    )
    service = Service.objects.create(organization=organization, name="Heart Moms group")
    referral.transition(to=Status.ACCEPTED, by=world.coordinator)
    referral.transition(to=Status.IN_PROGRESS, by=world.coordinator)
    referral.change_step(step=Step.REFERRED_OUT, by=world.coordinator, service=service)
    referral.refresh_from_db()
    assert referral.referred_out_service == service
    assert referral.referred_out_to == "Heart Moms group"
