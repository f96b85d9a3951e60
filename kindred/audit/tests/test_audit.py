import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction

from kindred.audit.log import record
from kindred.audit.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


def test_it_refuses_to_change_or_delete_an_event_through_the_model(world) -> None:
    event = record(
        action="families.family.viewed", actor=world.coordinator, program=world.program_a
    )
    event.action = "something.else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "families.family.viewed"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_it_refuses_update_and_delete_in_the_database_on_postgresql(world) -> None:
    event = record(
        action="families.family.viewed", actor=world.coordinator, program=world.program_a
    )
    for sql in (
        "UPDATE audit_auditevent SET action = 'tampered' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises((InternalError, ProgrammingError, IntegrityError)) as error,
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
        assert "append-only" in str(error.value)
    assert AuditEvent.objects.get(pk=event.pk).action == "families.family.viewed"


def test_it_records_who_when_where_and_which_fields(world, rf) -> None:
    request = rf.get("/", REMOTE_ADDR="192.0.2.7")
    request.user = world.coordinator
    event = record(
        action="programs.program.changed",
        request=request,
        obj=world.program_a,
        fields=["name", "scope", "name"],
    )
    assert event.actor == world.coordinator
    assert event.actor_label == "coordinator@a.test"
    assert event.ip == "192.0.2.7"
    assert event.object_type == "programs.program"
    assert event.object_id == str(world.program_a.pk)
    assert event.fields == ["name", "scope"]
    assert event.at.tzinfo is not None
