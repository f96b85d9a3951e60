"""HSDS 3.0 CSV datapackage out: the nested export, flattened into HSDS tables, zipped."""

import csv
import io
import json
import zipfile
from typing import Any

from kindred.directory import hsds
from kindred.directory.hsds_import import TABLE_SCHEMAS, Collector, ImportReport, JsonFlattener


def columns(table: str) -> list[str]:
    properties = hsds.schema(TABLE_SCHEMAS[table]).get("properties", {})
    return [
        name
        for name, spec in properties.items()
        if spec.get("type") not in {"array", "object"} and "$ref" not in spec
    ]


def tables_from_services(services: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    collector = Collector(ImportReport())
    flattener = JsonFlattener(collector, "export")
    for service in services:
        flattener.service(service)
    return {table: list(rows.values()) for table, rows in collector.rows.items() if rows}


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def datapackage_zip(services: list[dict[str, Any]]) -> bytes:
    tables = tables_from_services(services)
    buffer = io.BytesIO()
    resources = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table, rows in sorted(tables.items()):
            header = columns(table)
            out = io.StringIO(newline="")
            writer = csv.writer(out)
            writer.writerow(header)
            for row in rows:
                writer.writerow([_cell(row.get(column)) for column in header])
            path = f"{table}.csv"
            archive.writestr(path, out.getvalue())
            resources.append(
                {
                    "name": hsds.schema(TABLE_SCHEMAS[table]).get("name", table),
                    "path": path,
                    "profile": "tabular-data-resource",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                }
            )
        package = {
            "name": "kindred-directory",
            "title": "Kindred peer support directory (HSDS 3.0)",
            "profile": "tabular-data-package",
            "version": hsds.HSDS_VERSION,
            "resources": resources,
        }
        archive.writestr("datapackage.json", json.dumps(package, indent=2))
    return buffer.getvalue()
