"""The audit log's hash chain: tamper evidence beyond the database's own rights.

Every audit row carries `prev_hash` (the `row_hash` of the row before it, in id order; the first
row's is `GENESIS`) and `row_hash`, the SHA-256 of a canonical serialisation of its own fields
plus `prev_hash`. Changing, removing or inserting a row anywhere but at the end breaks the chain,
whoever does it, a database administrator included; `manage.py audit_verify` walks it.

The chain is global, not per program: one lock, one walk and one head to keep elsewhere (an
anchor) cover every row, login events without a program included, and a row cannot be moved
from one program's chain to another's unseen. Its cost is that appends are serialised: the lock
is held from the audit write to the end of the caller's transaction, and Kindred writes the
audit event last in a change's transaction, so it is held briefly.

The serialisation is frozen (`VERSION`): changing it would break every stored hash. It is built
so that the values Kindred writes and the values read back from SQLite or PostgreSQL serialise
to the same bytes (UTC timestamps to the microsecond, addresses compressed, JSON re-encoded with
sorted keys and integral floats as integers, as jsonb may return them).
"""

import hashlib
import ipaddress
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

VERSION = "kindred-audit-chain-v1"
GENESIS = "0" * 64
# The fields a row's hash covers, in this order. The id is left out: the database assigns it at
# insert time, and the order it gives is carried by `prev_hash` (a moved row breaks the links).
HASHED_FIELDS = (
    "at",
    "actor_id",
    "actor_label",
    "program_id",
    "action",
    "object_type",
    "object_id",
    "fields",
    "detail",
    "ip",
)
# pg_advisory_xact_lock key of the append ("kindred1" in ASCII), written out in audit migration
# 0007's function; advisory locks are per database.
LOCK_KEY = 0x6B696E6472656431


def _key(key: Any) -> str:
    # The keys json.dumps writes, so that a dict reads back from the database as it was hashed.
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, bool):
        return json.dumps(key)
    return float.__repr__(key) if isinstance(key, float) else str(key)


def _json(value: Any) -> Any:
    """A JSON value as the database hands it back: tuples as lists, keys as strings, and
    integral floats as integers (jsonb may return 2.0 as 2)."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {_key(key): _json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json(item) for item in value]
    return value


def _at(value: datetime) -> str:
    if value.tzinfo is None:
        value = timezone.make_aware(value)  # as Django stores a naive datetime under USE_TZ
    if value.tzinfo is not UTC:  # both databases hand back UTC: skip the conversion then
        value = value.astimezone(UTC)
    return value.isoformat(timespec="microseconds")


@lru_cache(maxsize=4096)  # the same few addresses come back again and again
def _address(value: str) -> str:
    try:
        return ipaddress.ip_address(value).compressed
    except ValueError:
        return value


def _ip(value: Any) -> str | None:
    return None if value is None or value == "" else _address(str(value))


def _id(value: Any) -> int | None:
    return None if value is None else int(value)


def canonical(prev_hash: str, values: dict[str, Any]) -> bytes:
    """The bytes a row's hash covers: the chain's version, the previous hash, the fields."""
    document = [
        VERSION,
        prev_hash,
        _at(values["at"]),
        _id(values["actor_id"]),
        str(values["actor_label"]),
        _id(values["program_id"]),
        str(values["action"]),
        str(values["object_type"]),
        str(values["object_id"]),
        _json(values["fields"]),
        _json(values["detail"]),
        _ip(values["ip"]),
    ]
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def row_hash(prev_hash: str, values: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(prev_hash, values)).hexdigest()


def lock_and_read_head(connection: BaseDatabaseWrapper) -> tuple[int | None, str]:
    """Take the append lock and return the last row's (id, row_hash), GENESIS when empty.

    Call it inside a transaction. On PostgreSQL an advisory lock held to the end of the
    transaction serialises the appends, and the head is read by a later statement, so it sees
    the row the previous holder committed (READ COMMITTED). On SQLite the transaction already
    holds the database's write lock (Kindred's transactions are IMMEDIATE).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Lock, then read, in one round trip (audit migration 0007, which uses LOCK_KEY).
            cursor.execute("SELECT head_id, head_hash FROM audit_auditevent_lock_head()")
        else:
            cursor.execute("SELECT id, row_hash FROM audit_auditevent ORDER BY id DESC LIMIT 1")
        head = cursor.fetchone()
    return (None, GENESIS) if head is None or head[0] is None else (head[0], head[1])


# Walking the chain ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    id: int
    prev_hash: str
    row_hash: str
    values: dict[str, Any]


@dataclass(frozen=True)
class Break:
    id: int
    kind: str  # "changed", "inserted", "removed", "anchor"
    message: str


@dataclass
class Report:
    rows: int = 0
    first_id: int | None = None
    head_id: int | None = None
    head_hash: str = GENESIS
    broken: Break | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None


def walk(rows: Iterable[Row], anchors: dict[int, str] | None = None) -> Report:
    """Check every row's hash and its link to the row before it; stop at the first break.

    A row whose fields do not give its hash was changed (or inserted with a forged hash). A row
    whose `prev_hash` is not the hash of the row before it marks a removal or an insertion: if
    the row after it links to the row before it, it was inserted out of order; if it links to
    the row two before, that one was; otherwise a row before it is missing. `anchors` are
    `{id: row_hash}` noted down earlier, away from the database: a chain rewritten up to its
    end, or rows removed from its end, only an anchor can reveal.
    """
    anchors = dict(anchors or {})
    report = Report()
    expected = GENESIS  # the hash the next row must link to
    before_expected: str | None = None  # the one before it, to spot an inserted row
    previous_id: int | None = None
    stream: Iterator[Row] = iter(rows)
    for row in stream:
        if row_hash(row.prev_hash, row.values) != row.row_hash:
            report.broken = Break(
                row.id,
                "changed",
                f"row #{row.id} does not match its hash: it was changed after it was written, "
                "or inserted with a forged hash",
            )
            return report
        if row.prev_hash != expected:
            report.broken = _misplaced(row, previous_id, before_expected, expected, stream)
            return report
        if row.id in anchors and anchors.pop(row.id) != row.row_hash:
            report.broken = Break(
                row.id,
                "anchor",
                f"row #{row.id} no longer has the hash noted in the anchor: the log up to it "
                "was rewritten and re-hashed",
            )
            return report
        before_expected, expected, previous_id = expected, row.row_hash, row.id
        report.rows += 1
        report.first_id = row.id if report.first_id is None else report.first_id
        report.head_id, report.head_hash = row.id, row.row_hash
    if anchors:
        missing = min(anchors)
        report.broken = Break(
            missing,
            "removed",
            f"row #{missing} of an anchor is missing: it was removed (the end of the log was cut)",
        )
    return report


def _misplaced(
    row: Row,
    previous_id: int | None,
    before_expected: str | None,
    expected: str,
    stream: Iterator[Row],
) -> Break:
    after = "the start of the log" if previous_id is None else f"#{previous_id}"
    if previous_id is not None and row.prev_hash == before_expected:
        return Break(
            previous_id,
            "inserted",
            f"row #{previous_id} was inserted out of order: the row after it (#{row.id}) "
            "links to the row before it",
        )
    following = next(stream, None)
    if following is not None and following.prev_hash == expected:
        return Break(
            row.id,
            "inserted",
            f"row #{row.id} was inserted out of order: it does not follow {after}, and the "
            f"row after it (#{following.id}) does",
        )
    if previous_id is None:
        return Break(
            row.id,
            "removed",
            f"row #{row.id} does not follow the start of the log: the row(s) before it were "
            "removed",
        )
    return Break(
        row.id,
        "removed",
        f"row #{row.id} does not follow #{previous_id}: the row(s) between them were removed "
        f"(or #{previous_id} was changed and re-hashed)",
    )
