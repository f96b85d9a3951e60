"""The PostgreSQL roles of `manage.py db_roles`: the application role cannot alter the audit log.

The roles are created inside each test's transaction (CREATE ROLE is transactional), named
after the test database, so parallel runs never meet and nothing is left behind in the cluster.
"""

import io
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from kindred.audit.log import record
from kindred.audit.models import AuditEvent

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL roles"),
]


@pytest.fixture(autouse=True)
def _checks_at_once(db: None) -> None:
    """ALTER TABLE refuses a table with foreign-key checks still deferred to the commit: in
    these tests (one transaction) every check runs at once, so none is ever pending."""
    if connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.fixture
def roles(db: None) -> tuple[str, str]:
    base = connection.settings_dict["NAME"][:50]
    owner, app = f"{base}_owner", f"{base}_app"
    for _ in range(2):  # idempotent: the second run finds everything in place
        call_command("db_roles", owner=owner, app=app, stdout=io.StringIO())
    return owner, app


def as_role(role: str, sql: str, params: list | None = None) -> list[tuple]:
    """Run one statement as `role`, in a savepoint that also undoes the SET ROLE on failure."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {connection.ops.quote_name(role)}")
        cursor.execute(sql, params)
        rows = cursor.fetchall() if cursor.description else []
        cursor.execute("RESET ROLE")
    return rows


def refused(role: str, sql: str, params: list | None = None) -> str:
    with pytest.raises(DatabaseError) as error:
        as_role(role, sql, params)
    return str(error.value)


def test_it_lets_the_application_role_only_insert_and_read_audit_rows(world, roles) -> None:
    _, app = roles
    event = record(
        action="families.family.viewed", actor=world.coordinator, program=world.program_a
    )
    with connection.cursor() as cursor:  # as in production (test databases switch it off)
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_no_truncate")

    attempts = {
        "update": ("UPDATE audit_auditevent SET action = 'tampered' WHERE id = %s", [event.pk]),
        "delete": ("DELETE FROM audit_auditevent WHERE id = %s", [event.pk]),
        "disable trigger": ("ALTER TABLE audit_auditevent DISABLE TRIGGER ALL", None),
        "truncate": ("TRUNCATE audit_auditevent", None),
    }
    for way, (sql, params) in attempts.items():
        message = refused(app, sql, params)
        assert "permission denied" in message or "must be owner" in message, way

    # What the application does every day still works: the chained append and reading.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {connection.ops.quote_name(app)}")
        appended = record(action="families.family.changed", actor=world.coordinator)
        seen = AuditEvent.objects.count()
        cursor.execute("RESET ROLE")
    assert appended.prev_hash == AuditEvent.objects.get(pk=event.pk).row_hash
    assert seen == AuditEvent.objects.count()
    assert AuditEvent.objects.get(pk=event.pk).action == "families.family.viewed"
    # ... and the ordinary tables stay writable.
    as_role(app, "UPDATE programs_program SET name = name WHERE id = %s", [world.program_a.pk])


def test_it_refuses_truncate_of_the_audit_table_even_to_its_owner(world, roles) -> None:
    owner, _ = roles
    record(action="families.family.viewed", actor=world.coordinator)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_no_truncate")
    assert "append-only (TRUNCATE refused)" in refused(owner, "TRUNCATE audit_auditevent")
    assert AuditEvent.objects.exists()


def test_it_hands_every_table_to_the_owner_and_grants_later_tables_to_the_app(roles) -> None:
    owner, app = roles
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r' "
            "AND pg_get_userbyid(c.relowner) <> %s",
            [owner],
        )
        assert cursor.fetchall() == []
        cursor.execute(
            "SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname = "
            "'audit_auditevent_append_only'"
        )
        assert cursor.fetchone() == (owner,)
    # A table a later migration creates (as the owner) is the application's to use at once.
    as_role(owner, "CREATE TABLE kindred_later_table (id bigserial PRIMARY KEY, note text)")
    as_role(app, "INSERT INTO kindred_later_table (note) VALUES ('x')")
    assert as_role(app, "SELECT note FROM kindred_later_table") == [("x",)]
    assert "permission denied" in refused(app, "CREATE TABLE kindred_app_table (id int)")


def test_it_takes_the_tables_away_from_an_application_role_that_owned_them(world) -> None:
    # An older deployment: the application's role ran migrate, so it owned the audit table.
    base = connection.settings_dict["NAME"][:50]
    owner, app = f"{base}_owner", f"{base}_legacy"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {app} LOGIN")
        cursor.execute(f"ALTER TABLE audit_auditevent OWNER TO {app}")
        cursor.execute(f"ALTER FUNCTION audit_auditevent_append_only() OWNER TO {app}")
    out = io.StringIO()
    call_command("db_roles", owner=owner, app=app, stdout=out)
    assert "now owned by" in out.getvalue()
    assert "must be owner" in refused(app, "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL")
    replaced = refused(
        app,
        "CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS "
        "$$ BEGIN RETURN OLD; END; $$ LANGUAGE plpgsql",
    )
    assert "must be owner" in replaced or "permission denied" in replaced


def test_it_refuses_bad_role_names_and_a_connection_that_is_not_a_superuser(roles) -> None:
    _, app = roles
    for owner, other in (("Robert'); DROP TABLE x; --", "kindred_app"), ("same", "same")):
        with pytest.raises(CommandError):
            call_command("db_roles", owner=owner, app=other, stdout=io.StringIO())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {app}")
        with pytest.raises(CommandError, match="needs a superuser"):
            call_command("db_roles", owner="x_owner", app="x_app", stdout=io.StringIO())
        cursor.execute("RESET ROLE")


@pytest.mark.django_db(transaction=True)
def test_it_never_forks_the_chain_under_concurrent_appends(world) -> None:
    threads, per_thread = 4, 15
    gate = threading.Barrier(threads)
    errors: list[BaseException] = []

    def append(n: int) -> None:
        try:
            gate.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    record(action="families.family.viewed", object_id=f"{n}-{i}")
                    time.sleep(0.002)  # hold the transaction open: the next writer must wait
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=append, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert errors == []
    events = AuditEvent.objects.filter(action="families.family.viewed", object_id__contains="-")
    assert events.count() == threads * per_thread
    out = io.StringIO()
    call_command("audit_verify", stdout=out, stderr=io.StringIO())
    assert "Audit log intact" in out.getvalue()
