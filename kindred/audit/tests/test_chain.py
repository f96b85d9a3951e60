"""The audit log's hash chain and `manage.py audit_verify` (SQLite and PostgreSQL)."""

import io
import secrets
from datetime import UTC, datetime
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from kindred.audit import chain
from kindred.audit.log import record
from kindred.audit.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


def _events(world, count: int = 5) -> list[AuditEvent]:
    return [
        record(
            action="families.family.viewed",
            actor=world.coordinator,
            program=world.program_a,
            object_id=n,
            fields=["phone", "name"],
            detail={"page": n, "ratio": 2.0, "nested": {"b": [1, "x"], "a": None}},
        )
        for n in range(count)
    ]


def _verify(*args: str) -> str:
    out = io.StringIO()
    call_command("audit_verify", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _broken(*args: str) -> str:
    with pytest.raises(CommandError) as error:
        call_command("audit_verify", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert error.value.returncode == 1
    return str(error.value)


def _behind_kindreds_back(sql: str, params: list) -> None:
    """Raw SQL, as a database administrator would run it: on PostgreSQL a superuser's session
    that fires no ordinary trigger (the append-only trigger included)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def test_it_chains_each_event_to_the_one_before(world) -> None:
    _events(world, 3)
    rows = list(AuditEvent.objects.order_by("id"))
    assert rows[0].prev_hash == chain.GENESIS
    for before, after in pairwise(rows):
        assert after.prev_hash == before.row_hash
    for row in rows:  # the hash stored at write time is the hash of what was read back
        values = {name: getattr(row, name) for name in chain.HASHED_FIELDS}
        assert row.row_hash == chain.row_hash(row.prev_hash, values)
        assert len(row.row_hash) == 64


def test_it_verifies_an_untouched_log_and_prints_its_head(world, rf) -> None:
    _events(world, 4)
    request = rf.get("/", REMOTE_ADDR="2001:DB8:0:0::7")
    request.user = world.supervisor
    last = record(action="accounts.login.succeeded", request=request, detail={"n": 10**18})
    out = _verify()
    assert "Audit log intact" in out
    assert f"Head: {last.pk}:{last.row_hash}" in out
    assert f"{AuditEvent.objects.count()} row(s)" in out


def test_it_verifies_an_empty_log() -> None:
    assert "no rows yet" in _verify()


def test_it_names_exactly_the_row_changed_behind_kindreds_back(world) -> None:
    events = _events(world, 5)
    target = events[2]
    _behind_kindreds_back(
        "UPDATE audit_auditevent SET object_id = %s WHERE id = %s", ["999", target.pk]
    )
    message = _broken()
    assert f"BROKEN at row #{target.pk} (changed)" in message
    assert message.count("#") == 2  # the row, and nothing else named as broken


def test_it_names_a_row_whose_hash_was_recomputed_after_a_change(world) -> None:
    events = _events(world, 5)
    target = events[2]
    values = {name: getattr(target, name) for name in chain.HASHED_FIELDS} | {"action": "x.y.z"}
    _behind_kindreds_back(
        "UPDATE audit_auditevent SET action = %s, row_hash = %s WHERE id = %s",
        ["x.y.z", chain.row_hash(target.prev_hash, values), target.pk],
    )
    message = _broken()
    # The row itself now matches its new hash; the row after it no longer follows it.
    assert f"BROKEN at row #{events[3].pk} (removed)" in message
    assert f"or #{target.pk} was changed and re-hashed" in message


def test_it_names_the_place_of_a_removed_row(world) -> None:
    events = _events(world, 5)
    _behind_kindreds_back("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    message = _broken()
    assert f"BROKEN at row #{events[3].pk} (removed)" in message
    assert f"does not follow #{events[1].pk}" in message


def test_it_names_a_row_inserted_out_of_order_with_a_forged_hash(world) -> None:
    first = _events(world, 2)
    # Leave a gap in the ids, as rolled-back inserts do, for the forger to fill.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('audit_auditevent', 'id'), %s)",
                [first[-1].pk + 5],
            )
        else:
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = %s WHERE name = 'audit_auditevent'",
                [first[-1].pk + 5],
            )
    later = _events(world, 2)
    forged_id = first[-1].pk + 3
    _behind_kindreds_back(
        "INSERT INTO audit_auditevent (id, at, actor_label, action, object_type, object_id, "
        "fields, detail, prev_hash, row_hash) VALUES (%s, %s, '', 'families.family.viewed', "
        "'', '1', '[]', '{}', %s, %s)",
        [forged_id, datetime(2026, 1, 1, tzinfo=UTC), secrets.token_hex(32), secrets.token_hex(32)],
    )
    message = _broken()
    assert f"BROKEN at row #{forged_id} (changed)" in message
    assert "inserted with a forged hash" in message
    assert str(later[0].pk) not in message.split("(changed)")[0]


def test_it_finds_an_insertion_whose_hash_was_computed_by_the_forger() -> None:
    # The database refuses two rows after the same row (audit_auditevent_one_successor): a
    # forger who drops that constraint and computes a correct hash is still named.
    values = {
        "at": datetime(2026, 5, 1, tzinfo=UTC),
        "actor_id": None,
        "actor_label": "",
        "program_id": 3,
        "action": "families.family.viewed",
        "object_type": "families.family",
        "object_id": "1",
        "fields": [],
        "detail": {},
        "ip": None,
    }

    def rows(prev_links: list[tuple[int, str]]) -> list[chain.Row]:
        built, head = [], chain.GENESIS
        for pk, link in prev_links:
            prev = head if link == "follow" else link
            digest = chain.row_hash(prev, values | {"object_id": str(pk)})
            built.append(chain.Row(pk, prev, digest, values | {"object_id": str(pk)}))
            if link == "follow":
                head = digest
        return built

    genuine = rows([(1, "follow"), (2, "follow"), (4, "follow")])
    # Linked to the row before it: the row after it still links to that row.
    link = genuine[1].row_hash
    forged = chain.Row(3, link, chain.row_hash(link, values), values)
    report = chain.walk([genuine[0], genuine[1], forged, genuine[2]])
    assert (report.broken.id, report.broken.kind) == (3, "inserted")
    # Linked to nothing: the row after it follows the row before it.
    stray = chain.Row(3, "f" * 64, chain.row_hash("f" * 64, values), values)
    report = chain.walk([genuine[0], genuine[1], stray, genuine[2]])
    assert (report.broken.id, report.broken.kind) == (3, "inserted")
    assert chain.walk(genuine).intact


def test_it_catches_a_rewritten_log_and_a_cut_end_only_with_an_anchor(world) -> None:
    events = _events(world, 4)
    anchor = f"{events[-1].pk}:{events[-1].row_hash}"
    assert "1 anchor(s) checked" in _verify("--anchor", anchor)
    _behind_kindreds_back("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    assert "Audit log intact" in _verify()  # a cut end leaves a valid chain ...
    message = _broken("--anchor", anchor)  # ... that the anchor does not accept
    assert f"BROKEN at row #{events[-1].pk} (removed)" in message


def test_it_keeps_and_checks_an_anchor_file(world, tmp_path) -> None:
    events = _events(world, 3)
    anchors = tmp_path / "anchors"
    anchors.write_text("# heads of the audit log\n")
    _verify("--anchor-file", str(anchors))
    assert anchors.read_text().splitlines()[-1] == f"{events[-1].pk}:{events[-1].row_hash}"
    more = _events(world, 2)
    _verify("--anchor-file", str(anchors))
    assert anchors.read_text().splitlines()[-1] == f"{more[-1].pk}:{more[-1].row_hash}"
    # Re-hash the whole log from the second row on: the chain is valid, the anchors are not.
    rows = list(AuditEvent.objects.filter(pk__gte=events[1].pk).order_by("id"))
    head = events[0].row_hash
    for row in rows:
        values = {name: getattr(row, name) for name in chain.HASHED_FIELDS} | {"object_id": "x"}
        digest = chain.row_hash(head, values)
        _behind_kindreds_back(
            "UPDATE audit_auditevent SET object_id = 'x', prev_hash = %s, row_hash = %s "
            "WHERE id = %s",
            [head, digest, row.pk],
        )
        head = digest
    assert "Audit log intact" in _verify()
    message = _broken("--anchor-file", str(anchors))
    assert f"BROKEN at row #{events[-1].pk} (anchor)" in message


def test_it_rejects_a_malformed_anchor() -> None:
    with pytest.raises(CommandError, match="is not an anchor"):
        call_command("audit_verify", "--anchor", "12:nothex", stdout=io.StringIO())


def test_it_keeps_the_chain_when_a_change_rolls_back(world) -> None:
    before = _events(world, 1)[0]
    with pytest.raises(RuntimeError), transaction.atomic():
        record(action="families.family.changed", actor=world.coordinator)
        raise RuntimeError("the change failed")
    after = record(action="families.family.viewed", actor=world.coordinator)
    assert after.prev_hash == before.row_hash
    assert "Audit log intact" in _verify()


def test_it_chains_a_bulk_append_in_the_order_given(world) -> None:
    head = _events(world, 1)[0]
    created = AuditEvent.objects.bulk_create(
        [AuditEvent(action="families.family.exported", object_id=str(n)) for n in range(30)],
        batch_size=7,
    )
    assert created[0].prev_hash == head.row_hash
    assert [
        event.object_id for event in AuditEvent.objects.filter(pk__gt=head.pk).order_by("id")
    ] == [str(n) for n in range(30)]
    assert "Audit log intact" in _verify()


def test_it_refuses_an_event_that_brings_its_own_id_or_a_second_successor(world) -> None:
    head = _events(world, 1)[0]
    count = AuditEvent.objects.count()
    with pytest.raises(AppendOnlyError):
        AuditEvent(pk=head.pk + 100, action="families.family.viewed").save()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_create([AuditEvent(pk=head.pk + 100, action="x.y.z")])
    # The database itself refuses a fork of the chain and a row without its hashes.
    for prev_hash, row_hash in ((head.prev_hash, "a" * 64), ("b" * 64, "")):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO audit_auditevent (at, actor_label, action, object_type, object_id, "
                "fields, detail, prev_hash, row_hash) VALUES (%s, '', 'x.y.z', '', '', '[]', "
                "'{}', %s, %s)",
                [datetime(2026, 1, 1, tzinfo=UTC), prev_hash, row_hash],
            )
    assert AuditEvent.objects.count() == count
    assert "Audit log intact" in _verify()


@pytest.mark.django_db(transaction=True)
def test_it_chains_the_events_written_before_the_chain_existed() -> None:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("audit")
    executor.migrate([("audit", "0004_auditevent_hash_chain_fields")])
    with connection.cursor() as cursor:
        for n in range(7):  # as Kindred wrote them before: no hashes yet
            cursor.execute(
                "INSERT INTO audit_auditevent (at, actor_label, action, object_type, object_id, "
                "fields, detail, ip, prev_hash, row_hash) VALUES (%s, 'a@b.test', "
                "'families.family.viewed', 'families.family', %s, '[\"name\"]', '{\"n\": 1.0}', "
                "'192.0.2.1', '', '')",
                [datetime(2026, 3, 1, 12, n, 0, 123456, tzinfo=UTC), str(n)],
            )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(latest)
    rows = list(AuditEvent.objects.order_by("id"))
    assert len(rows) == 7
    assert rows[0].prev_hash == chain.GENESIS
    assert all(after.prev_hash == before.row_hash for before, after in pairwise(rows))
    assert "7 row(s)" in _verify()
    appended = record(action="families.family.changed")
    assert appended.prev_hash == rows[-1].row_hash


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the lock function exists there")
def test_it_locks_the_append_with_the_key_the_code_names() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'audit_auditevent_lock_head'")
        (source,) = cursor.fetchone()
    assert f"pg_advisory_xact_lock({chain.LOCK_KEY})" in source
