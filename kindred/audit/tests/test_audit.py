import csv
import io

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


def test_it_shows_the_programs_audit_trail_filtered(world, django_assert_max_num_queries) -> None:
    record(
        action="families.family.viewed",
        actor=world.coordinator,
        program=world.program_a,
        object_id=7,
    )
    record(
        action="families.family.changed",
        actor=world.supervisor,
        program=world.program_a,
        object_id=7,
    )
    record(
        action="families.family.viewed", actor=world.outsider, program=world.program_b, object_id=9
    )
    client = world.client("coordinator")
    with django_assert_max_num_queries(12):
        response = client.get("/audit/", {"action": "families.family.viewed"})
    text = response.content.decode()
    assert "coordinator@a.test" in text
    assert "families.family.changed" not in text
    assert "coordinator@b.test" not in text


def test_it_rejects_an_inverted_date_range_with_a_clear_message(world) -> None:
    response = world.client("coordinator").get(
        "/audit/", {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert "The start date is after the end date." in response.content.decode()


def test_it_exports_the_trail_as_csv_and_audits_the_export(world) -> None:
    record(
        action="families.family.viewed",
        actor=world.coordinator,
        program=world.program_a,
        object_id=7,
    )
    record(action="=cmd|' /C calc'!A0", actor=world.coordinator, program=world.program_a)
    response = world.client("coordinator").get("/audit/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["at_utc", "who", "action"]
    actions = [row[2] for row in rows[1:]]
    assert "families.family.viewed" in actions
    assert "'=cmd|' /C calc'!A0" in actions  # formula neutralised
    assert AuditEvent.objects.filter(
        action="audit.events.exported", program=world.program_a
    ).exists()


def test_it_validates_ownership(world) -> None:
    record(action="families.family.viewed", actor=world.coordinator, program=world.program_a)
    response = world.client("outsider").get("/audit/export.csv")
    assert "coordinator@a.test" not in response.content.decode("utf-8-sig")
    assert world.client("mentor").get("/audit/").status_code == 403
