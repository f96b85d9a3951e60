"""HSDS 3.0 in and out: the official examples import as they are, bad files change nothing,
exports validate against the official schemas."""

import io
import json
import zipfile
from pathlib import Path

import pytest

from kindred.directory import hsds
from kindred.directory.hsds_csv import datapackage_zip
from kindred.directory.hsds_import import TABLE_SCHEMAS, run_import
from kindred.directory.models import Organization, Phone, Service, ServiceAtLocation
from kindred.lib.standards import HSDS_DIR

EXAMPLES = sorted(p.name for p in (HSDS_DIR / "examples").glob("*.json"))
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"


def csv_sources(hsds_dir: Path) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted((hsds_dir / "examples/csv").iterdir())]


@pytest.mark.parametrize("name", EXAMPLES)
def test_it_imports_every_official_json_example_as_it_is(world, hsds_dir, name) -> None:
    report = run_import(
        [(name, (hsds_dir / "examples" / name).read_bytes())], steward_id=world.org_a.pk
    )
    assert report.ok, [str(e) for e in report.errors]
    if name.startswith("service"):
        service = Service.objects.get(pk=SERVICE_ID)
        assert service.name == "Community Counselling"
        assert service.organization.steward_id == world.org_a.pk


def test_it_imports_the_full_service_with_its_nested_records(world, hsds_dir) -> None:
    report = run_import(
        [("service_full.json", (hsds_dir / "examples/service_full.json").read_bytes())],
        steward_id=world.org_a.pk,
    )
    assert report.ok
    service = Service.objects.get(pk=SERVICE_ID)
    assert service.language_list == ["ur"]
    assert service.minimum_age == 12 and service.maximum_age == 100
    assert not service.is_free  # fees are described
    assert service.schedules.get().freq == "WEEKLY"
    assert service.service_areas.count() == 1
    sal = ServiceAtLocation.objects.get(service=service)
    assert sal.location.addresses.get().city == "MyCity"
    # The same phone id appears under the service, its location, its contact and organization.
    phone = Phone.objects.get()
    assert phone.service_id == service.pk and phone.location_id == sal.location_id
    assert service.extra["program"]["name"] == "Community Mental Health Support"
    assert service.extra["funding"]


def test_it_maps_hsds_languages_to_the_one_list(world, hsds_dir) -> None:
    data = json.loads((hsds_dir / "examples/service_full.json").read_bytes())
    note = {"note": "kept"}
    data["languages"] = [
        {"id": "5f1c7a36-0001-4d1e-9a7b-000000000001", "code": "spa", **note},
        {"id": "5f1c7a36-0001-4d1e-9a7b-000000000002", "code": "zh-Hant", "name": "Chinese"},
        {"id": "5f1c7a36-0001-4d1e-9a7b-000000000003", "name": "Vietnamese"},
        {"id": "5f1c7a36-0001-4d1e-9a7b-000000000004", "code": "sq", "name": "Albanian"},
    ]
    report = run_import([("service.json", json.dumps(data).encode())], steward_id=world.org_a.pk)
    assert report.ok, [str(e) for e in report.errors]
    service = Service.objects.get(pk=SERVICE_ID)
    assert service.language_list == ["es", "vi", "zh"]
    assert any("'sq' is not on Kindred's list" in str(w) for w in report.warnings)
    exported = {x["code"]: x.get("name") for x in hsds.service_json(service)["languages"]}
    # Albanian is kept as published, so an export gives it back; the others carry names.
    assert exported == {"es": "Spanish", "zh": "Chinese", "vi": "Vietnamese", "sq": "Albanian"}


def test_it_imports_the_official_csv_datapackage_with_notes_for_loose_links(
    world, hsds_dir
) -> None:
    report = run_import(csv_sources(hsds_dir), steward_id=world.org_a.pk)
    assert report.ok, [str(e) for e in report.errors]
    assert report.counts["services"] == 1
    service = Service.objects.get(pk=SERVICE_ID)
    assert service.phones.count() == 1 and service.cost_options.count() == 1
    messages = " ".join(str(w) for w in report.warnings)
    assert "organization_id 985e4a42" in messages  # the location's organization is not in the file


def test_it_imports_twice_without_duplicating(world, hsds_dir) -> None:
    for _ in range(2):
        assert run_import(csv_sources(hsds_dir), steward_id=world.org_a.pk).ok
    assert Service.objects.count() == 1 and Phone.objects.count() == 1


def _service(**changes):
    data = json.loads((HSDS_DIR / "examples/service_full.json").read_text())
    data.update(changes)
    return [("service.json", json.dumps(data).encode())]


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        (_service(minimum_age="twelve"), "minimum_age: 'twelve' is not of type 'number'"),
        (_service(status="open"), "status: 'open' is not one of"),
        (
            _service(organization=None, organization_id="11111111-2222-4333-8444-555555555555"),
            "is not in the file or the directory",
        ),
        (_service(assured_date="last spring"), "assured_date: 'last spring' is not a date"),
        ([("services.csv", b'id,name,status\n"broken,row\n')], "broken CSV"),
        (
            [("services.csv", b"id,name,status,organization_id\n1,A,active\n")],
            "3 values for 4 columns",
        ),
        ([("notes.txt", b"hello")], "expected .json, .csv or a .zip"),
        ([("service.json", b"{not json")], "not valid JSON"),
    ],
    ids=[
        "wrong-type",
        "bad-enum",
        "unknown-reference",
        "bad-date",
        "broken-csv",
        "short-row",
        "wrong-file",
        "bad-json",
    ],
)
def test_it_refuses_a_bad_import_per_record_and_writes_nothing(world, sources, expected) -> None:
    report = run_import(sources, steward_id=world.org_a.pk)
    assert not report.ok
    assert any(expected in str(e) for e in report.errors), [str(e) for e in report.errors]
    assert Service.objects.count() == 0 and Organization.objects.count() == 0


def test_it_refuses_duplicate_ids_in_a_csv_table(world, hsds_dir) -> None:
    sources = dict(csv_sources(hsds_dir))
    lines = sources["services.csv"].decode().splitlines()
    sources["services.csv"] = "\n".join([*lines, lines[1]]).encode()
    report = run_import(list(sources.items()), steward_id=world.org_a.pk)
    assert not report.ok
    error = next(e for e in report.errors if "duplicate id" in e.message)
    assert error.table == "services" and error.record_id == SERVICE_ID and "row 3" in error.where
    assert Service.objects.count() == 0 and Phone.objects.count() == 0


def test_it_keeps_good_records_out_when_one_record_is_bad(world, hsds_dir) -> None:
    good = ("service_full.json", (hsds_dir / "examples/service_full.json").read_bytes())
    bad = (
        "taxonomy.json",
        json.dumps({"id": "not-a-uuid", "name": "x", "description": "y"}).encode(),
    )
    report = run_import([good, bad], steward_id=world.org_a.pk)
    assert not report.ok
    assert [e.table for e in report.errors] == ["taxonomies"]
    assert Service.objects.count() == 0


def test_it_refuses_to_overwrite_another_organizations_entries(world, hsds_dir) -> None:
    assert run_import(csv_sources(hsds_dir), steward_id=world.org_b.pk).ok
    report = run_import(csv_sources(hsds_dir), steward_id=world.org_a.pk)
    assert not report.ok
    assert any("another organization's directory curators" in e.message for e in report.errors)
    assert Service.objects.get(pk=SERVICE_ID).organization.steward_id == world.org_b.pk


def test_it_exports_services_that_validate_against_the_hsds_schema(
    world, hsds_dir, directory
) -> None:
    assert run_import(csv_sources(hsds_dir), steward_id=world.org_a.pk).ok
    exported = hsds.export_services(Service.objects.all())
    assert len(exported) == 5
    validator = _official_validator(hsds_dir, "service")
    for item in exported:
        assert not list(validator.iter_errors(item)), item["name"]
    heart = next(i for i in exported if i["name"] == "Heart Parents Coffee Group")
    codes = {a["taxonomy_term"]["code"] for a in heart["attributes"]}
    assert {"condition:heart", "kind:support_group", "field:name_es"} <= codes


def test_it_catches_an_invalid_nested_record_when_validating(hsds_dir) -> None:
    data = json.loads((hsds_dir / "examples/service_full.json").read_text())
    del data["phones"][0]["number"]
    assert any("number" in m for m in hsds.validation_errors("service", data))


def test_it_round_trips_peer_support_fields_through_hsds_json(world, directory) -> None:
    exported = hsds.export_services(Service.objects.filter(pk=directory["heart"].pk))
    Service.objects.filter(pk=directory["heart"].pk).update(name_es="", conditions="", kind="")
    report = run_import([("export.json", json.dumps(exported).encode())], steward_id=world.org_a.pk)
    assert report.ok, [str(e) for e in report.errors]
    heart = Service.objects.get(pk=directory["heart"].pk)
    assert heart.condition_list == ["heart"] and heart.kind == "support_group"
    assert heart.name_es == "Café de Padres del Corazón"


def test_it_exports_a_csv_datapackage_whose_rows_validate_and_reimport(
    world, directory, hsds_dir
) -> None:
    from kindred.directory.models import Location

    content = datapackage_zip(hsds.export_services(Service.objects.all()))
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = set(archive.namelist())
    assert {
        "datapackage.json",
        "services.csv",
        "organizations.csv",
        "phones.csv",
        "attributes.csv",
    } <= names
    package = json.loads(archive.read("datapackage.json"))
    assert {r["path"] for r in package["resources"]} == names - {"datapackage.json"}
    import csv

    for name in names - {"datapackage.json"}:
        table = name.removesuffix(".csv")
        validator = _official_validator(hsds_dir, TABLE_SCHEMAS[table])
        rows = list(csv.DictReader(io.StringIO(archive.read(name).decode())))
        if table in {"services", "organizations", "phones", "attributes", "addresses"}:
            assert rows, name  # the other tables may be empty (written with their header)
        from kindred.directory.hsds_import import _coerce_csv_value

        for row in rows:
            typed = {k: _coerce_csv_value(table, k, v) for k, v in row.items() if v != ""}
            if table == "locations" and "external_identifier" in typed:
                typed["external_identifier"] = str(typed["external_identifier"])
            assert not list(validator.iter_errors(typed)), (name, row)
    # The package imports back into another Kindred unchanged.
    Service.objects.update(name="changed")
    report = run_import([("directory.zip", content)], steward_id=world.org_a.pk)
    assert report.ok, [str(e) for e in report.errors]
    assert set(Service.objects.values_list("name", flat=True)) == {
        s.name for s in directory.values() if hasattr(s, "kind")
    }
    assert Location.objects.count() == 3


def _official_validator(hsds_dir: Path, name: str):
    """A validator built straight from the official files, not through `hsds.validator`."""
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources = [
        (
            p.name,
            Resource.from_contents(json.loads(p.read_text()), default_specification=DRAFT202012),
        )
        for p in (hsds_dir / "schema").glob("*.json")
        if p.name != "openapi.json"
    ]
    schema = json.loads((hsds_dir / "schema" / f"{name}.json").read_text())
    return Draft202012Validator(
        schema, registry=Registry().with_resources(resources), format_checker=FormatChecker()
    )
