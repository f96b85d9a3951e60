"""`manage.py audit_verify`: walk the audit log's hash chain and name the first broken row.

Exit code 0 when every row matches its hash and follows the one before it; 1 with the first
changed, removed or out-of-order row otherwise (see `kindred.audit.chain.walk`). The rows are
streamed in id order, so a million rows need little memory.

The chain alone cannot tell a rewritten log (every hash recomputed from the edited row on) or
a cut end from the real thing: the head line printed on success is an anchor to keep away from
the database server. `--anchor ID:HASH` checks one; `--anchor-file PATH` checks every anchor
in the file and, when the log verifies, appends the current head to it (run from cron).
"""

import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from kindred.audit import chain
from kindred.audit.models import AuditEvent

ANCHOR = re.compile(r"^(\d+):([0-9a-f]{64})$")
CHUNK = 5000


def parse_anchor(text: str) -> tuple[int, str]:
    match = ANCHOR.match(text.strip())
    if not match:
        raise CommandError(f"{text.strip()!r} is not an anchor (ID:HASH, 64 hex digits).")
    return int(match.group(1)), match.group(2)


def read_anchor_file(path: Path) -> dict[int, str]:
    if not path.exists():
        return {}
    anchors: dict[int, str] = {}
    for line in path.read_text(encoding="ascii").splitlines():
        line = line.split("#", 1)[0].strip()  # "# ..." is a comment
        if line:
            pk, digest = parse_anchor(line.split()[0])
            anchors[pk] = digest
    return anchors


def stream_rows() -> Any:
    columns = ("id", "prev_hash", "row_hash", *chain.HASHED_FIELDS)
    for pk, prev_hash, row_hash, *values in (
        AuditEvent.objects.order_by("id").values_list(*columns).iterator(chunk_size=CHUNK)
    ):
        yield chain.Row(
            pk, prev_hash, row_hash, dict(zip(chain.HASHED_FIELDS, values, strict=True))
        )


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chain: report the first row that was changed, removed or "
        "inserted out of order (exit code 1), or print the head to keep as an anchor."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="ID:HASH",
            help="A head printed by an earlier run: that row must still be there, unchanged.",
        )
        parser.add_argument(
            "--anchor-file",
            type=Path,
            help="Check every anchor in this file; append the current head when intact.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchors = dict(parse_anchor(text) for text in options["anchor"])
        anchor_file: Path | None = options["anchor_file"]
        if anchor_file is not None:
            anchors.update(read_anchor_file(anchor_file))
        self.warn_about_rights()
        report = chain.walk(stream_rows(), anchors)
        if report.broken is not None:
            broken = report.broken
            raise CommandError(
                f"Audit log BROKEN at row #{broken.id} ({broken.kind}): {broken.message}. "
                f"{report.rows} row(s) before it verified.",
                returncode=1,
            )
        if report.head_id is None:
            self.stdout.write("Audit log intact: no rows yet.")
            return
        head = f"{report.head_id}:{report.head_hash}"
        self.stdout.write(
            f"Audit log intact: {report.rows} row(s), #{report.first_id} to #{report.head_id}, "
            f"{len(anchors)} anchor(s) checked. Head: {head}"
        )
        if anchor_file is not None and report.head_id not in anchors:
            with anchor_file.open("a", encoding="ascii") as out:
                out.write(head + "\n")

    def warn_about_rights(self) -> None:
        """Kindred's own role should not be able to change audit rows (`manage.py db_roles`)."""
        if connection.vendor != "postgresql":
            return
        table = AuditEvent._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_has_role(current_user, c.relowner, 'USAGE'), "
                "has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE') "
                "OR has_table_privilege(c.oid, 'TRUNCATE') "
                "FROM pg_class c WHERE c.oid = %s::regclass",
                [table],
            )
            owns, may_change = cursor.fetchone()
        if owns or may_change:
            self.stderr.write(
                f"Warning: this database role ({connection.settings_dict['USER']}) "
                f"{'owns' if owns else 'may change rows of'} {table}. Run Kindred as the "
                "application role of `manage.py db_roles`."
            )
