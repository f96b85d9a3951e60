"""The coordinator's audit trail pages (kindred/programs/audit_views.py)."""

import csv
import io

import pytest

from kindred.audit.log import record
from kindred.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


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


def test_it_refuses_dates_past_any_programs_life_instead_of_overflowing(world) -> None:
    client = world.client("coordinator")
    for url in ("/audit/", "/audit/export.csv"):
        response = client.get(url, {"date_to": "9999-12-31"})
        assert response.status_code < 500
    page = client.get("/audit/", {"date_to": "9999-12-31"}).content.decode()
    assert "Enter a date between 1900 and 2100." in page


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
