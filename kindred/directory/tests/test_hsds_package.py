"""The HSDS 3.0 CSV datapackage: every official table, the official descriptor, valid for
frictionless; incomplete addresses left out; export then import gives the same directory."""

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from frictionless import validate

from kindred.directory import hsds
from kindred.directory.hsds_csv import datapackage_zip
from kindred.directory.hsds_import import run_import
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
    ServiceTransition,
    Taxonomy,
    TaxonomyTerm,
)
from kindred.directory.tests.factories import make_organization, make_service
from kindred.directory.tests.test_import_export import csv_sources


def _unzip(content: bytes, into: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        archive.extractall(into)
    return into / "datapackage.json"


def _frictionless_errors(descriptor: Path) -> list[str]:
    report = validate(str(descriptor))
    found = [f"{error.type}: {error.message}" for error in report.errors]
    for task in report.tasks:
        found += [f"{task.name} {error.type}: {error.message}" for error in task.errors]
    return found


@pytest.fixture
def incomplete(world: Any, directory: dict[str, Any]) -> Service:
    """A service whose address has a street and a ZIP code but no city (as the demo had)."""
    service = make_service(
        directory["org"], by=world.users["curator"], name="Rockford Heart Parents",
        zip_code="61101", conditions=("heart",),
    )  # fmt: skip
    Address.objects.filter(location__service_at_locations__service=service).update(city="")
    return service


def test_the_export_is_a_valid_datapackage_of_every_official_table(
    world, directory, incomplete, hsds_dir, tmp_path
) -> None:
    # The official example brings the tables Kindred keeps as they came (funding, programs...).
    assert run_import(csv_sources(hsds_dir), steward_id=world.org_a.pk).ok
    content = datapackage_zip(hsds.export_services(Service.objects.all()))
    descriptor = _unzip(content, tmp_path)
    official = json.loads((hsds_dir / "datapackage.json").read_text())
    package = json.loads(descriptor.read_text())
    assert package["profile"] == "tabular-data-package"
    assert [r["name"] for r in package["resources"]] == [r["name"] for r in official["resources"]]
    for ours, theirs in zip(package["resources"], official["resources"], strict=True):
        assert ours["path"] == theirs["path"] and ours["schema"] == theirs["schema"]
        header = (tmp_path / ours["path"]).read_text().splitlines()[0]
        assert header.split(",") == [f["name"] for f in theirs["schema"]["fields"]]
    assert _frictionless_errors(descriptor) == []
    rows = {
        r["path"]: (tmp_path / r["path"]).read_text().splitlines()[1:] for r in package["resources"]
    }
    assert len(rows["services.csv"]) == 6 and rows["funding.csv"] and rows["programs.csv"]
    assert rows["metadata.csv"] == [] and rows["meta_table_descriptions.csv"] == []
    # The address without a city is left out; its location (and coordinates) are not.
    assert not any("61101" in line for line in rows["addresses.csv"])
    rockford = Location.objects.get(service_at_locations__service=incomplete)
    assert any(str(rockford.pk) in line for line in rows["locations.csv"])
    assert len(rows["addresses.csv"]) == Address.objects.exclude(city="").count()


def test_frictionless_refuses_a_package_that_breaks_the_official_schema(
    world, directory, tmp_path
) -> None:
    """The check above can fail: a row without a required value is an error for frictionless."""
    descriptor = _unzip(datapackage_zip(hsds.export_services(Service.objects.all())), tmp_path)
    services = tmp_path / "services.csv"
    lines = services.read_text().splitlines()
    header = lines[0].split(",")
    broken = lines[1].split(",")
    broken[header.index("status")] = "open"
    services.write_text("\n".join([lines[0], ",".join(broken), *lines[2:]]) + "\n")
    errors = _frictionless_errors(descriptor)
    assert any("constraint-error" in e and "status" in e for e in errors), errors


def test_every_exported_service_validates_without_incomplete_addresses(
    world, directory, incomplete
) -> None:
    exported = {item["id"]: item for item in hsds.export_services(Service.objects.all())}
    for item in exported.values():
        assert not hsds.validation_errors("service", item), item["name"]
    rockford = exported[str(incomplete.pk)]
    assert "addresses" not in rockford["service_at_locations"][0]["location"]
    heart = exported[str(directory["heart"].pk)]
    address = heart["service_at_locations"][0]["location"]["addresses"][0]
    assert address["city"] == "Chicago" and address["country"] == "US"


# Kept by Kindred, not HSDS: who verified, when a record was saved here.
SKIPPED = {"created_at", "modified_at", "last_verified_at", "last_verified_by_id", "search_vector"}


def _snapshot() -> dict[str, Any]:
    def rows(model: Any) -> dict[str, dict[str, Any]]:
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in SKIPPED]
        return {str(r["id"]): r for r in model.objects.values(*names)}

    return {
        model.__name__: rows(model)
        for model in (Organization, Service, Location, Address, ServiceAtLocation, Phone, Schedule)
    }


def _empty_directory() -> None:
    for model in (
        Attribute, TaxonomyTerm, Taxonomy, Language, Phone, Contact, Schedule, ServiceArea,
        CostOption, ServiceAtLocation, Address, Location, ServiceEvent, ServiceTransition,
    ):  # fmt: skip
        model.objects.all().delete()
    Service.objects.all().delete()
    Organization.objects.all().delete()


@pytest.mark.parametrize("form", ["csv", "json"])
def test_export_then_import_into_an_empty_directory_gives_the_same_directory(
    world, directory, form
) -> None:
    second = make_organization(world.org_a, name="Down Syndrome Parents Together")
    make_service(
        second, by=world.users["curator"], name="New Parent Visits", zip_code="60201",
        conditions=("down_syndrome",), languages=("es",), kind="one_to_one",
    )  # fmt: skip
    Address.objects.update(address_2="Suite 4")
    before = _snapshot()
    # A service's last verification travels as HSDS `assured_date`, and comes back as it.
    for service in Service.objects.all():
        before["Service"][str(service.pk)]["assured_date"] = service.last_verified_at.date()
    assert len(before["Organization"]) == 2 and len(before["Address"]) == 4
    exported = hsds.export_services(Service.objects.all())
    content = datapackage_zip(exported) if form == "csv" else json.dumps(exported).encode()
    _empty_directory()
    assert not Service.objects.exists() and not Address.objects.exists()
    name = "directory.zip" if form == "csv" else "directory.json"
    report = run_import([(name, content)], steward_id=world.org_a.pk)
    assert report.ok, [str(e) for e in report.errors]
    after = _snapshot()
    for model, records in before.items():
        assert after[model].keys() == records.keys(), model
        for pk, values in records.items():
            assert after[model][pk] == values, (model, pk)


def test_every_demo_service_exports_valid_hsds_and_a_valid_package(world, tmp_path) -> None:
    from kindred.core.testing.personas import PASSWORD
    from kindred.directory import demo
    from kindred.lib.demo import DemoContext

    ctx = DemoContext(
        organization=world.org_a,
        program=world.program_a,
        users={"curator": world.users["curator"], "coordinator": world.users["coordinator"]},
        password=PASSWORD,
    )
    demo.load(ctx)
    exported = hsds.export_services(Service.objects.all())
    assert len(exported) == len(demo.SERVICES) + 1  # and the demo program's own entry
    for item in exported:
        assert not hsds.validation_errors("service", item), item["name"]
    # Outside Chicago too, a demo address names its city, so it is exported.
    rockford = [
        a for item in exported for sal in item.get("service_at_locations", [])
        for a in sal["location"].get("addresses", []) if a["postal_code"] == "61101"
    ]  # fmt: skip
    assert rockford and rockford[0]["city"] == "Rockford"
    assert _frictionless_errors(_unzip(datapackage_zip(exported), tmp_path)) == []


def test_a_repeated_term_code_and_two_programs_of_one_organization_still_validate(
    world, hsds_dir, tmp_path
) -> None:
    """The official schemas make `taxonomy_terms.code` and `programs.organization_id` unique:
    the package fits them (the first term keeps the code, the organization's first program is
    written) and frictionless accepts it."""
    official = json.loads((hsds_dir / "examples/service_full.json").read_text())
    second = {
        "id": "0e2c7c1a-5b43-4c2a-9d5e-1f0b6d7a8c01",
        "name": "Peer Mentoring for Parents",
        "status": "active",
        "organization": official["organization"],
        "program": {
            "id": "0e2c7c1a-5b43-4c2a-9d5e-1f0b6d7a8c02",
            "name": "Parent Peer Program",
            "description": "A second program of the same organization.",
        },
        "attributes": [
            {
                "id": "0e2c7c1a-5b43-4c2a-9d5e-1f0b6d7a8c03",
                "taxonomy_term": {
                    "id": "0e2c7c1a-5b43-4c2a-9d5e-1f0b6d7a8c04",
                    "code": official["attributes"][0]["taxonomy_term"]["code"],
                    "name": "Another taxonomy's term",
                    "description": "Same code, another taxonomy.",
                },
            }
        ],
    }
    raw = json.dumps([official, second]).encode()
    report = run_import([("services.json", raw)], steward_id=world.org_a.pk)
    assert report.ok, [str(e) for e in report.errors]
    codes = list(TaxonomyTerm.objects.values_list("code", flat=True))
    assert codes.count(official["attributes"][0]["taxonomy_term"]["code"]) == 2
    exported = hsds.export_services(Service.objects.filter(pk__in=[official["id"], second["id"]]))
    assert {item["program"]["id"] for item in exported} == {
        official["program"]["id"], second["program"]["id"]
    }  # fmt: skip
    descriptor = _unzip(datapackage_zip(exported), tmp_path)
    assert _frictionless_errors(descriptor) == []
    package = {path.name: path.read_text().splitlines()[1:] for path in tmp_path.glob("*.csv")}
    assert len(package["programs.csv"]) == 1
    assert len(package["taxonomy_terms.csv"]) >= 2
    assert sum(",code," in line for line in package["taxonomy_terms.csv"]) == 1
