"""Test-database set-up for the audit log's database guards (PostgreSQL)."""

from django.db import connection

TRUNCATE_TRIGGER = "audit_auditevent_no_truncate"


def allow_truncate_in_test_database() -> None:
    """Django empties a test database with TRUNCATE after each transactional test: switch off
    the trigger that refuses it (audit migration 0003), in test databases only."""
    if connection.vendor != "postgresql":
        return
    if not connection.settings_dict["NAME"].startswith("test_"):
        raise RuntimeError("Only a test database may switch off the audit TRUNCATE trigger.")
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE audit_auditevent DISABLE TRIGGER {TRUNCATE_TRIGGER}")
