"""HSDS 3.0 CSV datapackage out: the nested export, flattened into HSDS tables, zipped.

The package follows the official `datapackage.json` (`standards/hsds-3.0/datapackage.json`):
every one of its 21 tables is written (an empty one with its header), each CSV with the
official columns in the official order, and each resource carries its official `schema`
(fields, primary and foreign keys), so a datapackage validator (frictionless) checks every row
against the specification. Links to records outside the export (a location's organization that
is not exported) are left empty, so every foreign key resolves inside the package.

The official schemas also declare two columns besides `id` unique: `programs.organization_id`
(so an organization has at most one program in the tabular form, although the JSON
`organization.programs` is a list) and `taxonomy_terms.code` (although a code is defined with
its `taxonomy_id`, so two taxonomies may share one). The descriptor is kept as published, so the
rows are made to fit it (`_keep_unique`): the first program of an organization is written and
the services of its other programs lose their `program_id`; a code already written is left
empty on the next term that has it. The JSON export keeps both in full.
"""

import copy
import csv
import io
import json
import zipfile
from functools import cache
from typing import Any

from kindred.directory.hsds_import import TABLE_SCHEMAS, Collector, ImportReport, JsonFlattener
from kindred.lib.standards import HSDS_DIR

OFFICIAL_DATAPACKAGE = HSDS_DIR / "datapackage.json"


@cache
def official_datapackage() -> dict[str, Any]:
    """The official HSDS 3.0 tabular datapackage descriptor, as published."""
    return json.loads(OFFICIAL_DATAPACKAGE.read_text(encoding="utf-8"))


def _table_of(resource: dict[str, Any]) -> str:
    """Kindred's table name of an official resource (its file name: `organizations.csv`)."""
    return str(resource["path"]).removesuffix(".csv")


def official_resources() -> dict[str, dict[str, Any]]:
    """{table: official resource} for every table of the official datapackage."""
    return {_table_of(r): r for r in official_datapackage()["resources"]}


def columns(table: str) -> list[str]:
    """The official columns of `table`, in the official order."""
    return [f["name"] for f in official_resources()[table]["schema"]["fields"]]


def tables_from_services(services: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    collector = Collector(ImportReport())
    flattener = JsonFlattener(collector, "export")
    for service in services:
        flattener.service(service)
    tables = {table: list(rows.values()) for table, rows in collector.rows.items()}
    _keep_unique(tables)
    _drop_dangling_links(tables)
    return tables


def _keep_unique(tables: dict[str, list[dict[str, Any]]]) -> None:
    """Rows that fit the official `unique` constraints (module docstring): a repeated value is
    left empty in an optional column; a row repeating a required one is not written."""
    for table, resource in official_resources().items():
        schema = resource["schema"]
        unique = [
            f for f in schema["fields"]
            if f.get("constraints", {}).get("unique") and f["name"] != schema.get("primaryKey")
        ]  # fmt: skip
        if not unique or not tables.get(table):
            continue
        seen: dict[str, set[Any]] = {f["name"]: set() for f in unique}
        kept = []
        for row in tables[table]:
            keep = True
            for field in unique:
                name, value = field["name"], row.get(field["name"])
                if value in (None, ""):
                    continue
                if value not in seen[name]:
                    seen[name].add(value)
                elif field["constraints"].get("required"):
                    keep = False
                else:
                    row.pop(name)
            if keep:
                kept.append(row)
        tables[table] = kept


def _drop_dangling_links(tables: dict[str, list[dict[str, Any]]]) -> None:
    """Empty every optional link to a record the export does not hold (frictionless checks each
    foreign key); a required link to nowhere drops its row (it cannot be written valid)."""
    resources = official_resources()
    by_name = {r["name"]: _table_of(r) for r in resources.values()}
    changed = True
    while changed:  # a dropped row may leave another row's link dangling
        changed = False
        ids = {table: {row.get("id") for row in rows} for table, rows in tables.items()}
        for table, resource in resources.items():
            schema = resource["schema"]
            required = {
                f["name"] for f in schema["fields"] if f.get("constraints", {}).get("required")
            }
            kept = []
            for row in tables.get(table, []):
                keep = True
                for key in schema.get("foreignKeys", []):
                    column = key["fields"]
                    target = by_name[key["reference"]["resource"]]
                    if row.get(column) and row[column] not in ids.get(target, set()):
                        if column in required:
                            keep = False
                        else:
                            row.pop(column)
                if keep:
                    kept.append(row)
                else:
                    changed = True
            tables[table] = kept


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def descriptor() -> dict[str, Any]:
    """The package's `datapackage.json`: the official one, every resource with its schema."""
    package = copy.deepcopy(official_datapackage())
    package["resources"] = [{**resource, "encoding": "utf-8"} for resource in package["resources"]]
    return package


def datapackage_zip(services: list[dict[str, Any]]) -> bytes:
    tables = tables_from_services(services)
    package = descriptor()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for resource in package["resources"]:
            table = _table_of(resource)
            assert table in TABLE_SCHEMAS, table  # every official table is one Kindred reads
            header = columns(table)
            out = io.StringIO(newline="")
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(header)
            for row in tables.get(table, []):
                writer.writerow([_cell(row.get(column)) for column in header])
            archive.writestr(resource["path"], out.getvalue())
        archive.writestr("datapackage.json", json.dumps(package, indent=2, ensure_ascii=False))
    return buffer.getvalue()
