"""HSDS 3.0 in: nested JSON objects, paginated lists, tabular JSON and the CSV datapackage.

Every input is first flattened into HSDS tables (rows keyed by id, links as `<table>_id`
columns, as in the CSV datapackage), then every row is checked against its HSDS JSON Schema, its
types and its links, and only when no record has an error is anything written, in one
transaction. Errors and warnings are reported per record (table, id, row).

Links: a record's required link (a service's organization, a service-at-location's service and
location, an address's location...) must point to a record in the file or already in the
directory; otherwise it is an error. Records that HSDS lets hang on several parents (phones,
contacts, languages, schedules) keep the links that resolve and must keep at least one; optional
links to unknown records (a location's organization, a term's parent) are dropped with a
warning. This is what lets the official HSDS examples, whose sample ids do not all line up,
import as they are.
"""

import csv
import io
import json
import math
import struct
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any, cast

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from django.utils.translation import gettext as _

from kindred.directory import hsds, recurrence
from kindred.directory.models import (
    Address,
    Attribute,
    Contact,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceEvent,
    Taxonomy,
    TaxonomyTerm,
    codes_to_text,
)
from kindred.lib.languages import OTHER, english_name, normalize_language

# HSDS table -> JSON Schema name
TABLE_SCHEMAS = {
    "organizations": "organization",
    "services": "service",
    "locations": "location",
    "addresses": "address",
    "service_at_location": "service_at_location",
    "phones": "phone",
    "contacts": "contact",
    "languages": "language",
    "schedules": "schedule",
    "service_areas": "service_area",
    "cost_options": "cost_option",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
    "attributes": "attribute",
    "funding": "funding",
    "programs": "program",
    "required_documents": "required_document",
    "accessibility": "accessibility",
    "organization_identifiers": "organization_identifier",
    "metadata": "metadata",
    "meta_table_descriptions": "meta_table_description",
}
MODELS: dict[str, type[models.Model]] = {
    "organizations": Organization,
    "services": Service,
    "locations": Location,
    "addresses": Address,
    "service_at_location": ServiceAtLocation,
    "phones": Phone,
    "contacts": Contact,
    "languages": Language,
    "schedules": Schedule,
    "service_areas": ServiceArea,
    "cost_options": CostOption,
    "taxonomies": Taxonomy,
    "taxonomy_terms": TaxonomyTerm,
    "attributes": Attribute,
}
# Links that must resolve: table -> [(column, target table)]
REQUIRED_LINKS = {
    "services": [("organization_id", "organizations")],
    "service_at_location": [("service_id", "services"), ("location_id", "locations")],
    "addresses": [("location_id", "locations")],
    "service_areas": [("service_id", "services")],
    "cost_options": [("service_id", "services")],
    "attributes": [("taxonomy_term_id", "taxonomy_terms")],
}
# Records hanging on one or more parents: at least one link must resolve.
PARENT_LINKS = {
    "phones": [
        ("organization_id", "organizations"),
        ("service_id", "services"),
        ("location_id", "locations"),
        ("contact_id", "contacts"),
        ("service_at_location_id", "service_at_location"),
    ],
    "contacts": [
        ("organization_id", "organizations"),
        ("service_id", "services"),
        ("service_at_location_id", "service_at_location"),
        ("location_id", "locations"),
    ],
    "languages": [("service_id", "services"), ("location_id", "locations"), ("phone_id", "phones")],
    "schedules": [
        ("service_id", "services"),
        ("location_id", "locations"),
        ("service_at_location_id", "service_at_location"),
    ],
}
OPTIONAL_LINKS = {
    "locations": [("organization_id", "organizations")],
    "taxonomy_terms": [("taxonomy_id", "taxonomies")],
}
# Tables Kindred keeps as they came, inside the parent's `extra`: table -> [(column, parent, key)]
EXTRA_TABLES = {
    "funding": [
        ("service_id", "services", "funding"),
        ("organization_id", "organizations", "funding"),
    ],
    "programs": [("organization_id", "organizations", "programs")],
    "required_documents": [("service_id", "services", "required_documents")],
    "accessibility": [("location_id", "locations", "accessibility")],
    "organization_identifiers": [("organization_id", "organizations", "organization_identifiers")],
}
WRITE_ORDER = [
    "taxonomies",
    "taxonomy_terms",
    "organizations",
    "locations",
    "addresses",
    "services",
    "service_at_location",
    "contacts",
    "phones",
    "languages",
    "schedules",
    "service_areas",
    "cost_options",
    "attributes",
]
# The deepest official HSDS example nests 7 levels; a publisher's file a few more.
MAX_JSON_DEPTH = 32
MAX_INTEGER, MAX_SMALL_INTEGER = 2_147_483_647, 32_767  # PostgreSQL integer, smallint


@dataclass
class Problem:
    table: str
    record_id: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where} · {self.table} {self.record_id}: {self.message}"


@dataclass
class ImportReport:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def services(self) -> int:
        return self.counts.get("services", 0)


class Collector:
    """Rows of every HSDS table, keyed by id, merged when the same record appears twice."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.rows: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in TABLE_SCHEMAS}
        self.where: dict[tuple[str, str], str] = {}

    def error(self, table: str, record_id: Any, where: str, message: str) -> None:
        self.report.errors.append(Problem(table, str(record_id or "?"), where, message))

    def warn(self, table: str, record_id: Any, where: str, message: str) -> None:
        self.report.warnings.append(Problem(table, str(record_id or "?"), where, message))

    def add(
        self, table: str, row: dict[str, Any], where: str, *, strict: bool = False
    ) -> str | None:
        row = {k: v for k, v in row.items() if v is not None and v != ""}
        record_id = row.get("id")
        if not isinstance(record_id, str) or not record_id:
            self.error(table, record_id, where, "the record has no id")
            return None
        existing = self.rows[table].get(record_id)
        if existing is None:
            self.rows[table][record_id] = row
            self.where[(table, record_id)] = where
            return record_id
        if strict:
            self.error(
                table, record_id, where,
                f"duplicate id (already used at {self.where[(table, record_id)]})",
            )  # fmt: skip
            return None
        for key, value in row.items():
            if key in existing and existing[key] != value:
                self.error(
                    table, record_id, where,
                    f"the same id appears twice with different values of {key}",
                )  # fmt: skip
                return None
            existing.setdefault(key, value)
        return record_id


def _scalars(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if not isinstance(v, list | dict)}


def _children(obj: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        return [{"__bad__": f"{key} must be a list"}]
    return value


class JsonFlattener:
    def __init__(self, collector: Collector, where: str) -> None:
        self.c = collector
        self.where = where

    def _check(self, table: str, obj: Any) -> bool:
        if not isinstance(obj, dict) or "__bad__" in obj:
            message = obj.get("__bad__") if isinstance(obj, dict) else "expected an object"
            self.c.error(table, "?", self.where, str(message))
            return False
        return True

    def simple(self, table: str, obj: Any, parent: dict[str, Any]) -> str | None:
        if not self._check(table, obj):
            return None
        record_id = self.c.add(table, {**_scalars(obj), **parent}, self.where)
        if record_id:
            for attribute in _children(obj, "attributes"):
                self.attribute(attribute, record_id, table)
        return record_id

    def attribute(self, obj: Any, link_id: str, link_table: str) -> None:
        if not self._check("attributes", obj):
            return
        row = {**_scalars(obj)}
        row.setdefault("link_id", link_id)
        row.setdefault("link_entity", link_table.rstrip("s"))
        term = obj.get("taxonomy_term")
        if isinstance(term, dict):
            term_id = self.term(term)
            if term_id:
                row.setdefault("taxonomy_term_id", term_id)
        self.c.add("attributes", row, self.where)

    def term(self, obj: dict[str, Any]) -> str | None:
        row = _scalars(obj)
        detail = obj.get("taxonomy_detail")
        if isinstance(detail, dict):
            taxonomy_id = self.c.add("taxonomies", _scalars(detail), self.where)
            if taxonomy_id:
                row.setdefault("taxonomy_id", taxonomy_id)
        return self.c.add("taxonomy_terms", row, self.where)

    def phone(self, obj: Any, parent: dict[str, Any]) -> None:
        phone_id = self.simple("phones", obj, parent)
        if phone_id:
            for language in _children(obj, "languages"):
                self.simple("languages", language, {"phone_id": phone_id})

    def contact(self, obj: Any, parent: dict[str, Any]) -> None:
        contact_id = self.simple("contacts", obj, parent)
        if contact_id:
            for phone in _children(obj, "phones"):
                self.phone(phone, {"contact_id": contact_id})

    def location(self, obj: Any, parent: dict[str, Any]) -> str | None:
        location_id = self.simple("locations", obj, parent)
        if not location_id:
            return None
        link = {"location_id": location_id}
        for language in _children(obj, "languages"):
            self.simple("languages", language, link)
        for address in _children(obj, "addresses"):
            self.simple("addresses", address, link)
        for contact in _children(obj, "contacts"):
            self.contact(contact, link)
        for item in _children(obj, "accessibility"):
            self.simple("accessibility", item, link)
        for phone in _children(obj, "phones"):
            self.phone(phone, link)
        for schedule in _children(obj, "schedules"):
            self.simple("schedules", schedule, link)
        return location_id

    def organization(self, obj: Any) -> str | None:
        organization_id = self.simple("organizations", obj, {})
        if not organization_id:
            return None
        link = {"organization_id": organization_id}
        for key, table in (
            ("funding", "funding"),
            ("programs", "programs"),
            ("organization_identifiers", "organization_identifiers"),
        ):
            for item in _children(obj, key):
                self.simple(table, item, link)
        for contact in _children(obj, "contacts"):
            self.contact(contact, link)
        for phone in _children(obj, "phones"):
            self.phone(phone, link)
        for location in _children(obj, "locations"):
            self.location(location, link)
        return organization_id

    def service_at_location(self, obj: Any, parent: dict[str, Any]) -> None:
        if not self._check("service_at_location", obj):
            return
        row = {**_scalars(obj), **parent}
        location = obj.get("location")
        if isinstance(location, dict):
            location_id = self.location(location, {})
            if location_id:
                row.setdefault("location_id", location_id)
        service = obj.get("service")
        if isinstance(service, dict):
            service_id = self.service(service)
            if service_id:
                row.setdefault("service_id", service_id)
        sal_id = self.c.add("service_at_location", row, self.where)
        if not sal_id:
            return
        link = {"service_at_location_id": sal_id}
        for contact in _children(obj, "contacts"):
            self.contact(contact, link)
        for phone in _children(obj, "phones"):
            self.phone(phone, link)
        for schedule in _children(obj, "schedules"):
            self.simple("schedules", schedule, link)
        for attribute in _children(obj, "attributes"):
            self.attribute(attribute, sal_id, "service_at_location")

    def service(self, obj: Any) -> str | None:
        if not self._check("services", obj):
            return None
        row = _scalars(obj)
        organization = obj.get("organization")
        if isinstance(organization, dict):
            organization_id = self.organization(organization)
            if organization_id:
                row.setdefault("organization_id", organization_id)
        program = obj.get("program")
        if isinstance(program, dict):
            program_row = {**_scalars(program)}
            if row.get("organization_id"):
                program_row.setdefault("organization_id", row["organization_id"])
            program_id = self.c.add("programs", program_row, self.where)
            if program_id:
                row.setdefault("program_id", program_id)
        service_id = self.c.add("services", row, self.where)
        if not service_id:
            return None
        link = {"service_id": service_id}
        for phone in _children(obj, "phones"):
            self.phone(phone, link)
        for key in (
            "schedules",
            "service_areas",
            "languages",
            "funding",
            "cost_options",
            "required_documents",
        ):
            for item in _children(obj, key):
                self.simple(key, item, link)
        for sal in _children(obj, "service_at_locations"):
            self.service_at_location(sal, link)
        for contact in _children(obj, "contacts"):
            self.contact(contact, link)
        for attribute in _children(obj, "attributes"):
            self.attribute(attribute, service_id, "services")
        return service_id


def _guess_kind(obj: dict[str, Any], hint: str) -> str:
    for name in (
        "service_at_location",
        "organization",
        "taxonomy_term",
        "taxonomy",
        "location",
        "service",
    ):
        if hint.startswith(name):
            return name
    if "openapi_url" in obj:
        return "meta"
    if ("service" in obj and "location" in obj) or ("service_id" in obj and "location_id" in obj):
        return "service_at_location"
    if "status" in obj or "service_at_locations" in obj:
        return "service"
    if "location_type" in obj:
        return "location"
    if "taxonomy_detail" in obj or "term_uri" in obj:
        return "taxonomy_term"
    if (
        "year_incorporated" in obj
        or "legal_status" in obj
        or "website" in obj
        or "locations" in obj
    ):
        return "organization"
    if {"name", "description"} <= obj.keys():
        return "taxonomy" if "version" in obj or "uri" in obj else "organization"
    return "unknown"


def collect_json(collector: Collector, data: Any, name: str) -> None:
    hint = Path(name).stem.lower()
    if isinstance(data, dict) and data and all(str(k).endswith(".csv") for k in data):
        # Tabular JSON: {"services.csv": [rows]}.
        for table_file, rows in data.items():
            collect_rows(collector, table_file, rows if isinstance(rows, list) else [], name)
        return
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        items, hint = data["contents"], hint.replace("_list", "")
    elif isinstance(data, list):
        items = data
    else:
        items = [data]
    for index, item in enumerate(items, start=1):
        where = f"{name} #{index}" if len(items) > 1 else name
        if not isinstance(item, dict):
            collector.error("?", "?", where, "expected a JSON object")
            continue
        flattener = JsonFlattener(collector, where)
        kind = _guess_kind(item, hint)
        if kind == "service":
            flattener.service(item)
        elif kind == "organization":
            flattener.organization(item)
        elif kind == "location":
            flattener.location(item, {})
        elif kind == "service_at_location":
            flattener.service_at_location(item, {})
        elif kind == "taxonomy_term":
            flattener.term(item)
        elif kind == "taxonomy":
            collector.add("taxonomies", _scalars(item), where)
        elif kind == "meta":
            collector.warn("meta", "-", where, "API information only: nothing to import")
        else:
            collector.error(
                "?", item.get("id", "?"), where, "not an HSDS object Kindred recognises"
            )


def _coerce_csv_value(table: str, column: str, value: str) -> Any:
    spec = hsds.schema(TABLE_SCHEMAS[table]).get("properties", {}).get(column, {})
    if spec.get("type") == "number":
        try:
            number = float(value)
        except ValueError:
            return value  # the schema check reports it with the column's name
        return int(number) if number.is_integer() and "." not in value else number
    if spec.get("type") == "boolean":
        return {"true": True, "false": False}.get(value.lower(), value)
    return value


def collect_rows(collector: Collector, table_file: str, rows: Iterable[Any], where: str) -> None:
    table = Path(table_file).stem
    if table not in TABLE_SCHEMAS:
        collector.warn(table, "-", where, "not an HSDS table: ignored")
        return
    for number, row in enumerate(rows, start=2):
        place = f"{table_file} row {number}"
        if not isinstance(row, dict):
            collector.error(table, "?", place, "expected a record")
            continue
        collector.add(table, row, place, strict=True)


def collect_csv(collector: Collector, table_file: str, raw: bytes | IO[bytes]) -> None:
    """Rows of one HSDS table, read as a stream (a ZIP member is never unpacked whole)."""
    table = Path(table_file).stem
    if table not in TABLE_SCHEMAS:
        if table_file != "datapackage.json":
            collector.warn(table, "-", table_file, "not an HSDS table: ignored")
        return
    stream = io.BytesIO(raw) if isinstance(raw, bytes) else raw
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        reader = csv.reader(text, strict=True)
        header = next(reader, None)
        if not header or "id" not in header:
            collector.error(table, "-", table_file, "the first line must name the columns, with id")
            return
        for number, values in enumerate(reader, start=2):
            place = f"{table_file} row {number}"
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                collector.error(
                    table, values[0] if values else "?", place,
                    f"{len(values)} values for {len(header)} columns",
                )  # fmt: skip
                continue
            row = {
                column: _coerce_csv_value(table, column, value)
                for column, value in zip(header, values, strict=True)
                if value != ""
            }
            collector.add(table, row, place, strict=True)
    except UnicodeDecodeError:
        collector.error(table, "-", table_file, "the file is not UTF-8 text")
    except csv.Error as exc:
        collector.error(table, "-", table_file, f"broken CSV: {exc}")


# --- Checking -----------------------------------------------------------------------------


def _text_for_numbers(table: str, row: dict[str, Any]) -> None:
    """A number where HSDS wants text (an identifier written 10092008082) is kept as its text.

    The official tabular example does this; the conversion loses nothing.
    """
    properties = hsds.schema(TABLE_SCHEMAS[table]).get("properties", {})
    for key, value in row.items():
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and properties.get(key, {}).get("type") == "string"
        ):
            row[key] = str(value)


def _schema_errors(collector: Collector) -> None:
    for table, rows in collector.rows.items():
        for record_id, row in list(rows.items()):
            _text_for_numbers(table, row)
            for message in hsds.validation_errors(TABLE_SCHEMAS[table], row):
                collector.error(table, record_id, collector.where[(table, record_id)], message)


def _existing_ids(collector: Collector) -> dict[str, set[str]]:
    """Ids that links point to and that are already in the directory."""
    wanted: dict[str, set[str]] = {}
    for links in (REQUIRED_LINKS, PARENT_LINKS, OPTIONAL_LINKS):
        for table, pairs in links.items():
            for column, target in pairs:
                for row in collector.rows[table].values():
                    if row.get(column) and row[column] not in collector.rows[target]:
                        wanted.setdefault(target, set()).add(row[column])
    for row in collector.rows["attributes"].values():
        if row.get("link_id"):
            for target in ("services", "organizations", "locations", "service_at_location"):
                wanted.setdefault(target, set()).add(row["link_id"])
    found: dict[str, set[str]] = {}
    for target, ids in wanted.items():
        model = MODELS.get(target)
        valid = [i for i in ids if _is_uuid(i)]
        found[target] = (
            {
                str(pk)
                for pk in model._default_manager.filter(pk__in=valid).values_list("pk", flat=True)
            }
            if model and valid
            else set()
        )
    return found


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _check_links(collector: Collector) -> None:
    existing = _existing_ids(collector)

    def known(target: str, value: Any) -> bool:
        return value in collector.rows[target] or value in existing.get(target, set())

    for table, pairs in REQUIRED_LINKS.items():
        for record_id, row in collector.rows[table].items():
            for column, target in pairs:
                where = collector.where[(table, record_id)]
                if not row.get(column):
                    collector.error(table, record_id, where, f"{column} is required")
                elif not known(target, row[column]):
                    collector.error(
                        table,
                        record_id,
                        where,
                        f"{column} {row[column]} is not in the file or the directory",
                    )
    for table, pairs in PARENT_LINKS.items():
        for record_id, row in collector.rows[table].items():
            where = collector.where[(table, record_id)]
            kept = 0
            for column, target in pairs:
                if not row.get(column):
                    continue
                if known(target, row[column]):
                    kept += 1
                else:
                    collector.warn(
                        table, record_id, where, f"{column} {row[column]} is unknown: link dropped"
                    )
                    row.pop(column)
            if not kept:
                collector.error(
                    table, record_id, where, "links to no record in the file or the directory"
                )
    for table, pairs in OPTIONAL_LINKS.items():
        for record_id, row in collector.rows[table].items():
            for column, target in pairs:
                if row.get(column) and not known(target, row[column]):
                    collector.warn(
                        table, record_id, collector.where[(table, record_id)],
                        f"{column} {row[column]} is unknown: link dropped",
                    )  # fmt: skip
                    row.pop(column)
    kindred_terms = hsds.kindred_term_codes()
    for record_id, row in list(collector.rows["attributes"].items()):
        link = row.get("link_id")
        if row.get("taxonomy_term_id") in kindred_terms and (
            known("services", link) or link in collector.rows["schedules"]
        ):
            continue
        if not link or not any(
            known(t, link)
            for t in ("services", "organizations", "locations", "service_at_location")
        ):
            collector.warn(
                "attributes", record_id, collector.where[("attributes", record_id)],
                f"link_id {link} is not a record Kindred keeps: attribute not stored",
            )  # fmt: skip
            collector.rows["attributes"].pop(record_id)


def _check_stewardship(collector: Collector, steward_id: int) -> None:
    """A curator imports into their own organization's entries only."""
    org_ids = [i for i in collector.rows["organizations"] if _is_uuid(i)]
    for pk, owner in Organization.objects.filter(pk__in=org_ids).values_list("pk", "steward_id"):
        if owner != steward_id:
            record_id = str(pk)
            collector.error(
                "organizations", record_id, collector.where[("organizations", record_id)],
                "this organization is kept by another organization's directory curators",
            )  # fmt: skip
    service_ids = [i for i in collector.rows["services"] if _is_uuid(i)]
    for pk, owner in Service.objects.filter(pk__in=service_ids).values_list(
        "pk", "organization__steward_id"
    ):
        if owner != steward_id:
            record_id = str(pk)
            collector.error(
                "services", record_id, collector.where[("services", record_id)],
                "this service is kept by another organization's directory curators",
            )  # fmt: skip
    linked = {
        row["organization_id"]
        for row in collector.rows["services"].values()
        if row.get("organization_id")
        and row["organization_id"] not in collector.rows["organizations"]
    }
    foreign = {
        str(pk)
        for pk in Organization.objects.filter(pk__in=[i for i in linked if _is_uuid(i)])
        .exclude(steward_id=steward_id)
        .values_list("pk", flat=True)
    }
    for record_id, row in collector.rows["services"].items():
        if row.get("organization_id") in foreign:
            collector.error(
                "services", record_id, collector.where[("services", record_id)],
                "its organization is kept by another organization's directory curators",
            )  # fmt: skip


# --- Building model objects ----------------------------------------------------------------


def _convert(
    table: str, record_id: str, row: dict[str, Any], collector: Collector
) -> dict[str, Any] | None:
    model = MODELS[table]
    values: dict[str, Any] = {}
    where = collector.where[(table, record_id)]
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    by_name.update({f.name: f for f in model._meta.concrete_fields if f.name not in by_name})
    renames = {"taxonomy_id": "taxonomy_detail_id"} if table == "taxonomy_terms" else {}
    ok = True
    for key, value in row.items():
        model_field = by_name.get(renames.get(key, key))
        if model_field is None or model_field.name in {"extra"}:
            continue
        attname = model_field.attname
        kind = model_field.get_internal_type()
        converted: Any = value
        if kind == "DateField":
            converted = _parsed(parse_date, str(value)[:10]) if isinstance(value, str) else None
            if converted is None:
                collector.error(
                    table, record_id, where, f"{key}: {value!r} is not a date (YYYY-MM-DD)"
                )
                ok = False
        elif kind == "TimeField":
            # "25:00" matches the pattern and then fails as a time: both are refused here.
            converted = _parsed(parse_time, str(value)) if isinstance(value, str) else None
            if converted is None:
                collector.error(table, record_id, where, f"{key}: {value!r} is not a time (HH:MM)")
                ok = False
        elif kind == "DateTimeField":
            converted = _parsed(parse_datetime, str(value)) if isinstance(value, str) else None
            if converted is None:
                collector.error(table, record_id, where, f"{key}: {value!r} is not a date and time")
                ok = False
        elif kind in {"PositiveIntegerField", "PositiveSmallIntegerField"}:
            top = MAX_SMALL_INTEGER if kind == "PositiveSmallIntegerField" else MAX_INTEGER
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or (isinstance(value, float) and not value.is_integer())  # also inf, nan
                or value < 0
            ):
                collector.error(table, record_id, where, f"{key}: {value!r} is not a whole number")
                ok = False
            elif value > top:
                collector.error(
                    table, record_id, where,
                    _("%(key)s: %(value)s is larger than %(top)s")
                    % {"key": key, "value": value, "top": top},
                )  # fmt: skip
                ok = False
            else:
                converted = int(value)
        elif kind in {"FloatField", "DecimalField"}:
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
            ):
                collector.error(table, record_id, where, f"{key}: {value!r} is not a number")
                ok = False
            elif kind == "DecimalField" and abs(value) >= 10 ** (
                cast(models.DecimalField, model_field).max_digits
                - cast(models.DecimalField, model_field).decimal_places
            ):
                collector.error(
                    table, record_id, where,
                    _("%(key)s: %(value)s is too large") % {"key": key, "value": value},
                )  # fmt: skip
                ok = False
        elif kind in {"UUIDField", "ForeignKey"}:
            if not _is_uuid(value):
                collector.error(table, record_id, where, f"{key}: {value!r} is not a UUID")
                ok = False
            converted = uuid.UUID(str(value)) if ok else None
        elif (
            isinstance(value, str)
            and model_field.max_length
            and len(value) > model_field.max_length
        ):
            collector.error(
                table, record_id, where, f"{key}: longer than {model_field.max_length} characters"
            )
            ok = False
        elif not isinstance(value, str) and kind in {
            "CharField",
            "TextField",
            "EmailField",
            "URLField",
        }:
            converted = str(value)
        values[attname] = converted
    return values if ok else None


def _parsed(parse: Any, value: str) -> Any:
    """Django's parse_* answer None for a shape they do not know and raise ValueError for a
    well-shaped impossible value (2026-02-30, 25:00): both are "not a date" here."""
    try:
        return parse(value)
    except ValueError:
        return None


def _check_schedules(collector: Collector, converted: dict[str, dict[str, Any]]) -> None:
    """Each schedule's RFC 5545 rule, checked before it is stored (kindred.directory.recurrence)."""
    for record_id, values in converted.items():
        where = collector.where[("schedules", record_id)]
        if values.get("count") is not None and values.get("until") is not None:
            # RFC 5545 forbids both; the official HSDS examples carry both. The date is what a
            # family reads ("until June"), so it is kept, and the change noted on the record.
            values["count"] = None
            collector.warn(
                "schedules", record_id, where,
                _("count and until together are not allowed by RFC 5545: until kept, count dropped"),
            )  # fmt: skip
        for problem in recurrence.problems(values):
            collector.error("schedules", record_id, where, f"{problem.field}: {problem.message}")


def _language_code(values: dict[str, Any]) -> str | None:
    """The Kindred code of an HSDS language (its ISO 639 code, or failing that its name)."""
    for raw in (values.get("code"), values.get("name")):
        code = normalize_language(raw)
        if code and code != OTHER:
            return code
    return None


def _apply_peer_support(values: dict[str, Any], attributes: list[dict[str, Any]]) -> None:
    codes = hsds.kindred_term_codes()
    groups: dict[str, list[str]] = {"kind": [], "condition": [], "modality": [], "referrer": []}
    for attribute in attributes:
        code = codes[attribute["taxonomy_term_id"]]
        group, name = code.split(":", 1)
        if group in groups:
            groups[group].append(name)
        elif name in {"serves_remotely", "is_free"}:
            values[name] = str(attribute.get("value", "")).lower() == "true"
        else:
            values[name] = str(attribute.get("value", ""))
    if groups["kind"]:
        values["kind"] = groups["kind"][0]
    if groups["condition"]:
        values["conditions"] = codes_to_text(groups["condition"])
    if groups["modality"]:
        values["modalities"] = codes_to_text(groups["modality"])
    if groups["referrer"]:
        values["referred_by"] = codes_to_text(groups["referrer"])


def run_import(
    sources: list[tuple[str, bytes]], *, steward_id: int, by: Any = None, dry_run: bool = False
) -> ImportReport:
    """Import HSDS files [(file name, bytes)]: every record or none."""
    report = ImportReport()
    collector = Collector(report)
    for name, raw in sources:
        lower = name.lower()
        if lower.endswith(".zip"):
            _collect_zip(collector, name, raw)
        elif lower.endswith(".csv"):
            collect_csv(collector, Path(name).name, raw)
        elif lower.endswith(".json"):
            if Path(name).name == "datapackage.json":
                continue
            _collect_json_bytes(collector, Path(name).name, raw)
        else:
            collector.error("-", "-", name, "expected .json, .csv or a .zip of CSV files")
    if report.errors:
        return report
    _schema_errors(collector)
    if report.errors:
        return report
    _check_links(collector)
    _check_stewardship(collector, steward_id)
    if report.errors:
        return report
    objects = _build(collector, steward_id)
    if report.errors or dry_run:
        return report
    _write(objects, by=by)
    report.counts = {table: len(objs) for table, objs in objects.items() if objs}
    return report


# A central directory record is 46 bytes plus its name, extra field and comment: an HSDS ZIP's
# are under 200 bytes. Past this many bytes per allowed file, the directory holds too many.
CENTRAL_RECORD_BYTES = 4096


def _zip_directory(raw: bytes) -> tuple[int, int] | None:
    """(entries, central directory bytes) from a ZIP's end record, read before zipfile builds
    one object per entry (a small file can hold hundreds of thousands, and zipfile reads the
    whole directory whatever the count says). None when there is no end record."""
    end = raw.rfind(b"PK\x05\x06", max(0, len(raw) - 22 - 65535))
    if end < 0 or end + 22 > len(raw):
        return None
    entries, size = struct.unpack_from("<HL", raw, end + 10)
    return entries, size


def _collect_zip(collector: Collector, name: str, raw: bytes) -> None:
    max_files = settings.DIRECTORY_IMPORT_MAX_ZIP_FILES
    max_bytes = settings.DIRECTORY_IMPORT_MAX_UNZIPPED_MB * 1024 * 1024
    too_many = _(
        "the ZIP holds more than %(max)s files: import at most %(max)s files at a time"
    ) % {"max": max_files}
    too_large = _("the ZIP unpacks to more than %(max)s MB: split it into smaller ZIP files") % {
        "max": settings.DIRECTORY_IMPORT_MAX_UNZIPPED_MB
    }
    declared = _zip_directory(raw)
    # 0xFFFF entries or 0xFFFFFFFF bytes (ZIP64 markers) count as too many.
    if declared is not None and (
        declared[0] > max_files or declared[1] > max_files * CENTRAL_RECORD_BYTES
    ):
        collector.error("-", "-", name, too_many)
        return
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) > max_files:
                collector.error("-", "-", name, too_many)
                return
            # zipfile never yields more than a member declares (it stops at its size and then
            # checks the CRC), so the declared sizes bound what is read: a ZIP bomb (1 MB that
            # unpacks to 400 MB) is refused here, before a byte of it is inflated.
            if sum(m.file_size for m in members) > max_bytes:
                collector.error("-", "-", name, too_large)
                return
            for member in members:
                base = Path(member.filename).name
                lower = base.lower()
                if not (lower.endswith(".csv") or lower.endswith(".json")):
                    continue
                with archive.open(member) as stream:
                    if lower.endswith(".csv"):
                        collect_csv(collector, base, stream)
                    elif base != "datapackage.json":
                        _collect_json_bytes(collector, base, stream.read())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError):
        # NotImplementedError: a compression method zipfile does not know; RuntimeError: an
        # encrypted member.
        collector.error("-", "-", name, "not a readable ZIP file")


def _depth(data: Any) -> int:
    """How deeply lists and objects nest, counted without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, level)
            stack.extend((item, level + 1) for item in value if isinstance(item, dict | list))
    return deepest


def _collect_json_bytes(collector: Collector, name: str, raw: bytes) -> None:
    too_deep = _("the JSON nests more than %(max)s levels deep: no HSDS record needs that many") % {
        "max": MAX_JSON_DEPTH
    }
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        collector.error("-", "-", name, f"not valid JSON: {exc}")
        return
    except RecursionError:
        collector.error("-", "-", name, too_deep)
        return
    if _depth(data) > MAX_JSON_DEPTH:
        # The flattener follows the nesting (a service in a service at location in a
        # service...): bounded here, before it recurses.
        collector.error("-", "-", name, too_deep)
        return
    collect_json(collector, data, name)


def _build(collector: Collector, steward_id: int) -> dict[str, list[models.Model]]:
    rows = collector.rows
    kindred_terms = hsds.kindred_term_codes()
    converted: dict[str, dict[str, dict[str, Any]]] = {}
    for table in WRITE_ORDER:
        converted[table] = {}
        for record_id, row in rows[table].items():
            if table == "taxonomy_terms" and record_id in kindred_terms:
                continue
            if table == "taxonomies" and record_id == str(hsds.KINDRED_TAXONOMY_ID):
                continue
            if table == "attributes" and row.get("taxonomy_term_id") in kindred_terms:
                continue
            values = _convert(table, record_id, row, collector)
            if values is not None:
                converted[table][record_id] = values
    _check_schedules(collector, converted["schedules"])
    if collector.report.errors:
        return {}
    now = timezone.now()
    extras: dict[tuple[str, str], dict[str, list[Any]]] = {}
    for table, targets in EXTRA_TABLES.items():
        for record_id, row in rows[table].items():
            attached = False
            for column, parent, key in targets:
                if row.get(column) in rows[parent]:
                    extras.setdefault((parent, row[column]), {}).setdefault(key, []).append(row)
                    attached = True
            if not attached:
                collector.warn(
                    table,
                    record_id,
                    collector.where[(table, record_id)],
                    "linked to no imported record: not stored",
                )
    for record_id, row in rows["metadata"].items():
        target = row.get("resource_id")
        owner = next(
            (t for t in ("services", "organizations", "locations") if target in rows[t]), None
        )
        if owner and target:
            extras.setdefault((owner, target), {}).setdefault("metadata", []).append(row)
        else:
            collector.warn(
                "metadata",
                record_id,
                collector.where[("metadata", record_id)],
                "describes no imported record: not stored",
            )
    for record_id in rows["meta_table_descriptions"]:
        collector.warn(
            "meta_table_descriptions",
            record_id,
            collector.where[("meta_table_descriptions", record_id)],
            "dataset description: not stored",
        )

    peer_attributes: dict[str, list[dict[str, Any]]] = {}
    for row in rows["attributes"].values():
        if row.get("taxonomy_term_id") in kindred_terms:
            peer_attributes.setdefault(row["link_id"], []).append(row)
    service_languages: dict[str, set[str]] = {}
    for record_id, values in converted["languages"].items():
        code = _language_code(values)
        if code is None:
            # Kept as published, so an export gives it back; search and matching know only
            # the languages of Kindred's list.
            if values.get("code") or values.get("name"):
                collector.warn(
                    "languages",
                    record_id,
                    collector.where.get(("languages", record_id), "languages"),
                    f"{values.get('code') or values.get('name')!r} is not on Kindred's list of "
                    "languages: kept in the record, not offered in search",
                )
            values["code"] = str(values.get("code") or "")[:10]
            continue
        values["code"] = code
        if not values.get("name"):
            values["name"] = english_name(code)
        if values.get("service_id"):
            service_languages.setdefault(str(values["service_id"]), set()).add(code)
    costly = {str(v["service_id"]) for v in converted["cost_options"].values() if v.get("amount")}

    objects: dict[str, list[models.Model]] = {}
    for table in WRITE_ORDER:
        model = MODELS[table]
        built = []
        for record_id, values in converted[table].items():
            if table == "organizations":
                values["steward_id"] = steward_id
                values["modified_at"] = now
            if table in {"organizations", "services", "locations"}:
                values["extra"] = extras.get((table, record_id), {})
            if table == "schedules":
                for attribute in peer_attributes.get(record_id, []):
                    if kindred_terms[attribute["taxonomy_term_id"]] == "field:description_es":
                        values["description_es"] = str(attribute.get("value", ""))
            if table == "services":
                row = rows["services"][record_id]
                program_id = row.get("program_id")
                if program_id and program_id in rows["programs"]:
                    values["extra"]["program"] = rows["programs"][program_id]
                values.setdefault("last_modified", now)
                values["language_codes"] = codes_to_text(
                    sorted(service_languages.get(record_id, set()))
                )
                values["is_free"] = not (values.get("fees_description") or record_id in costly)
                if values.get("assured_date"):
                    values["last_verified_at"] = timezone.make_aware(
                        datetime.combine(values["assured_date"], datetime.min.time())
                    )
                _apply_peer_support(values, peer_attributes.get(record_id, []))
            built.append(model(**values))
        objects[table] = built
    return objects


def _write(objects: dict[str, list[models.Model]], *, by: Any) -> None:
    with transaction.atomic():
        for table in WRITE_ORDER:
            batch = objects.get(table, [])
            if not batch:
                continue
            model = type(batch[0])
            update_fields = [
                f.name
                for f in model._meta.concrete_fields
                if not f.primary_key
                and f.name not in {"created_at", "steward", "source_program", "last_verified_by"}
            ]
            model._default_manager.bulk_create(
                batch,
                batch_size=1000,
                update_conflicts=True,
                unique_fields=["id"],
                update_fields=update_fields,
            )
        services = objects.get("services", [])
        ServiceEvent.objects.bulk_create(
            [
                ServiceEvent(service_id=s.pk, kind=ServiceEvent.Kind.IMPORTED, by=by)
                for s in services
            ],
            batch_size=1000,
        )
