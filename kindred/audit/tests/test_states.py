"""The one state-change pattern (kindred.audit.states), exercised on a real model: Family."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from kindred.audit.models import AuditEvent
from kindred.audit.states import TransitionError
from kindred.core.testing.personas import request_as
from kindred.families.models import Family, FamilyTransition
from kindred.families.tests.conftest import make_family


@pytest.fixture
def family(world):
    return make_family(world)


def test_it_moves_writes_the_row_and_the_audit_event(world, family) -> None:
    request = request_as(world.coordinator)
    row = family.transition(to="closed", reason="Moved away", by=world.coordinator, request=request)
    family.refresh_from_db()
    assert family.status == "closed" and family.status_reason == "Moved away"
    assert (row.from_status, row.to_status, row.reason, row.by) == (
        "active",
        "closed",
        "Moved away",
        world.coordinator,
    )
    event = AuditEvent.objects.get(action="families.family.closed")
    assert event.object_id == str(family.pk) and event.program_id == family.program_id
    assert event.detail == {"from": "active", "to": "closed"}
    assert "status" in event.fields and "Moved away" not in str(event.detail)


def test_it_refuses_a_move_the_table_does_not_allow_and_changes_nothing(world, family) -> None:
    family.transition(to="entered_in_error", reason="Test", by=world.coordinator)
    rows, events = FamilyTransition.objects.count(), AuditEvent.objects.count()
    with pytest.raises(TransitionError) as refused:
        family.transition(to="active", by=world.coordinator)
    assert isinstance(refused.value, ValidationError)
    assert "not possible" in refused.value.messages[0]
    assert refused.value.code == "not_allowed"
    family.refresh_from_db()
    assert family.status == "entered_in_error"
    assert (FamilyTransition.objects.count(), AuditEvent.objects.count()) == (rows, events)


def test_it_requires_a_reason_where_the_model_says_so(world, family) -> None:
    with pytest.raises(TransitionError) as refused:
        family.transition(to="closed", reason="   ", by=world.coordinator)
    assert refused.value.code == "reason_required"
    assert Family.objects.get(pk=family.pk).status == "active"


def test_it_writes_nothing_when_the_audit_event_fails(world, family) -> None:
    """The audit event is inside the change's transaction: no change without its event."""
    with (
        mock.patch("kindred.audit.states.record", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError),
    ):
        family.transition(to="closed", reason="Moved away", by=world.coordinator)
    assert Family.objects.get(pk=family.pk).status == "active"
    assert not FamilyTransition.objects.filter(family=family).exists()


def test_it_reads_the_locked_row_not_a_stale_copy(world, family) -> None:
    stale = Family.objects.get(pk=family.pk)
    family.transition(to="closed", reason="Moved away", by=world.coordinator)
    # The stale copy still says "active"; the move is checked against the database's row.
    row = stale.transition(to="active", by=world.coordinator)
    assert row.from_status == "closed"
    assert stale.status == "active" and stale.version == family.version + 1


def test_it_lists_the_allowed_statuses_in_choice_order(world, family) -> None:
    assert family.allowed_statuses() == ["closed", "merged", "entered_in_error"]
    assert family.can_become("closed") and not family.can_become("active")


def test_it_spanish_messages(world, family) -> None:
    from django.utils import translation

    family.transition(to="entered_in_error", reason="Test", by=world.coordinator)
    with translation.override("es"), pytest.raises(TransitionError) as refused:
        family.transition(to="active", by=world.coordinator)
    with translation.override("es"):
        assert "no es posible" in refused.value.messages[0]


def test_it_gives_the_hooks_who_moved_and_the_note(world, family) -> None:
    """A model's rules and field changes may depend on the person and the note (an escalation's
    "resolved by" and "what was done"); the system moves with by=None."""
    from django.contrib.auth.models import AnonymousUser

    with mock.patch.object(Family, "check_transition", autospec=True) as check:
        family.transition(
            to="closed", reason="Moved away", note="Said goodbye", by=world.coordinator
        )
        family.transition(to="active", by=AnonymousUser())
    first, second = (c.kwargs for c in check.call_args_list)
    assert (first["by"], first["note"], first["reason"]) == (
        world.coordinator,
        "Said goodbye",
        "Moved away",
    )
    assert second["by"] is None and second["note"] == ""
