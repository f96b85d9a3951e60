"""The audit log's hash chain at scale (issue 16): verifying the whole log, and the append.

1. Verify. The log gets 250,000 chained rows (30,000 with BENCH_QUICK=1) through the chained
   `AuditEvent.objects.bulk_create`, then `manage.py audit_verify` walks them all, measured in
   rows per second against two baselines of the same run:
   - `bare hash`: a loop that only computes SHA-256 over a row-sized payload, as many times;
   - `bare fetch`: a psycopg server-side cursor reading the same columns of every row.
   The ratios say how much of the walk is Kindred's own work (serialising, comparing). The walk
   streams the rows, so its rate does not depend on the log's size: a million rows take four
   times as long as these 250,000, in the same memory.
2. Append. `record()` (advisory lock, head read, insert, in its own transaction), p50 in ms,
   against a raw INSERT of the same row into a copy of the table (same indexes) through psycopg.
"""

import hashlib
import io
import os
import secrets
import sys
import time

try:
    from common import BenchContext, BenchResult, median, timed
except ModuleNotFoundError:  # imported as bench.bench_audit
    from bench.common import BenchContext, BenchResult, median, timed

BATCH = 10_000


def _setup_django(ctx: BenchContext) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
    os.environ["DATABASE_URL"] = ctx.database_url
    if ctx.root not in sys.path:
        sys.path.insert(0, ctx.root)
    import django

    django.setup()


def _fill(count: int) -> None:
    from django.db import transaction

    from kindred.audit.models import AuditEvent

    have = AuditEvent.objects.count()
    actions = ["families.family.viewed", "referrals.referral.changed", "accounts.login.succeeded"]
    while have < count:
        size = min(BATCH, count - have)
        with transaction.atomic():
            AuditEvent.objects.bulk_create(
                [
                    AuditEvent(
                        action=actions[n % 3],
                        actor_label=f"user{n % 50}@bench.test",
                        object_type="families.family",
                        object_id=str(n),
                        fields=["name", "phone"] if n % 2 else [],
                        detail={"page": n % 7},
                        ip=f"192.0.2.{n % 250}",
                    )
                    for n in range(have, have + size)
                ]
            )
        have += size


def _verify_seconds() -> float:
    from django.core.management import call_command

    out = io.StringIO()
    start = time.perf_counter()
    call_command("audit_verify", stdout=out, stderr=io.StringIO())
    seconds = time.perf_counter() - start
    if "Audit log intact" not in out.getvalue():
        raise RuntimeError(f"audit_verify did not verify the log: {out.getvalue()[:200]}")
    return seconds


def _bare_hash_seconds(count: int, payload_size: int) -> float:
    payload = secrets.token_bytes(payload_size)
    sha256 = hashlib.sha256
    start = time.perf_counter()
    for _ in range(count):
        sha256(payload).hexdigest()
    return time.perf_counter() - start


def _bare_fetch_seconds(database_url: str) -> float:
    import psycopg

    columns = (
        "id, prev_hash, row_hash, at, actor_id, actor_label, program_id, action, object_type, "
        "object_id, fields, detail, ip"
    )
    start = time.perf_counter()
    with psycopg.connect(database_url) as connection, connection.cursor(name="bench") as cursor:
        cursor.itersize = 5000
        cursor.execute(f"SELECT {columns} FROM audit_auditevent ORDER BY id")  # noqa: S608
        for _row in cursor:
            pass
    return time.perf_counter() - start


def _append_samples(database_url: str, repeat: int) -> tuple[list[float], list[float]]:
    import psycopg

    from kindred.audit.log import record

    def chained() -> None:
        record(action="families.family.viewed", object_type="families.family", object_id="7")

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS bench_audit_copy")
        connection.execute("CREATE TABLE bench_audit_copy (LIKE audit_auditevent INCLUDING ALL)")

        def bare() -> None:
            connection.execute(
                "INSERT INTO bench_audit_copy (at, actor_label, action, object_type, object_id, "
                "fields, detail, prev_hash, row_hash) VALUES (now(), '', "
                "'families.family.viewed', 'families.family', '7', '[]', '{}', %s, %s)",
                [secrets.token_hex(32), secrets.token_hex(32)],
            )

        chained_ms, bare_ms = [], []
        for _ in range(5):  # alternating rounds: a busy moment slows both alike
            chained_ms += timed(chained, repeat // 5)
            bare_ms += timed(bare, repeat // 5)
        connection.execute("DROP TABLE bench_audit_copy")
    return chained_ms, bare_ms


def run(ctx: BenchContext) -> list[BenchResult]:
    _setup_django(ctx)
    from kindred.audit import chain
    from kindred.audit.models import AuditEvent

    count = 30_000 if ctx.quick else 250_000
    begin = time.perf_counter()
    _fill(count)
    rows = AuditEvent.objects.count()
    print(f"  audit: {rows} chained rows ready in {time.perf_counter() - begin:.1f} s", flush=True)

    sample = AuditEvent.objects.order_by("-id").first()
    payload = chain.canonical(
        sample.prev_hash, {name: getattr(sample, name) for name in chain.HASHED_FIELDS}
    )
    verify = _verify_seconds()
    bare_hash = _bare_hash_seconds(rows, len(payload))
    bare_fetch = _bare_fetch_seconds(ctx.database_url)
    print(
        f"  audit: verify {verify:.1f} s, bare hash {bare_hash:.2f} s, bare fetch "
        f"{bare_fetch:.1f} s for {rows} rows ({len(payload)}-byte payloads)",
        flush=True,
    )
    chained_ms, bare_ms = _append_samples(ctx.database_url, 100 if ctx.quick else 500)
    return [
        BenchResult(
            "audit.verify_rows_per_s",
            rows / verify,
            "audit.bare_hash_rows_per_s",
            rows / bare_hash,
            "rows/s",
            higher_is_better=True,
        ),
        BenchResult(
            "audit.verify_rows_per_s",
            rows / verify,
            "audit.bare_fetch_rows_per_s",
            rows / bare_fetch,
            "rows/s",
            higher_is_better=True,
        ),
        BenchResult(
            "audit.record_p50", median(chained_ms), "audit.bare_insert_p50", median(bare_ms), "ms"
        ),
    ]
