"""The standard files Kindred follows are in the repository, unchanged, with their licences."""

import hashlib
import json

import pytest

from kindred.directory import hsds
from kindred.lib.standards import GRAVITY_FHIR_DIR, HSDS_DIR, HSDS_SCHEMA_DIR, STANDARDS_DIR

FOLDERS = [HSDS_DIR, GRAVITY_FHIR_DIR]


def _listed(folder):
    lines = (folder / "SHA256SUMS").read_text().splitlines()
    return {name: digest for digest, name in (line.split(maxsplit=1) for line in lines)}


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_it_keeps_every_standard_file_unchanged_with_its_licence(folder) -> None:
    assert folder.parent == STANDARDS_DIR
    notice = (folder / "NOTICE.md").read_text()
    assert "License:" in notice
    listed = _listed(folder)
    present = {
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and p.name not in ("SHA256SUMS", "NOTICE.md")
    }
    assert present == set(listed), "files added or missing: update SHA256SUMS and NOTICE.md"
    changed = [
        name
        for name, digest in listed.items()
        if hashlib.sha256((folder / name).read_bytes()).hexdigest() != digest
    ]
    assert changed == []


def test_it_validates_directory_records_against_the_repository_copy_of_hsds() -> None:
    assert hsds.SCHEMA_DIR == HSDS_SCHEMA_DIR
    assert (HSDS_SCHEMA_DIR / "service.json").is_file()
    # Every schema a service refers to is there: a missing file would fail here, not in an import.
    hsds.validator("service").validate(
        json.loads((HSDS_DIR / "examples/service_full.json").read_text())
    )


def test_it_carries_the_gravity_resources_the_fhir_intake_reads() -> None:
    kinds = {json.loads(p.read_text())["resourceType"] for p in GRAVITY_FHIR_DIR.glob("*.json")}
    assert {
        "ServiceRequest",
        "Task",
        "Consent",
        "Patient",
        "RelatedPerson",
        "Organization",
        "Practitioner",
        "PractitionerRole",
    } <= kinds
