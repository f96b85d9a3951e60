"""Bad HSDS input is reported per record or per file, never a 500, and nothing is written:
impossible times and dates, RFC 5545 rules the standard forbids, JSON nested without end,
ZIP bombs and ZIPs of countless files (issue 16)."""

import io
import json
import struct
import time
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from kindred.audit.models import AuditEvent
from kindred.directory.hsds_import import run_import
from kindred.directory.models import Schedule, Service
from kindred.directory.recurrence import parse_rule, problems
from kindred.directory.tests.conftest import HSDS_DIR

SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
SCHEDULE_ID = "48102e86-bb50-41c4-8f1e-e269368c41d1"


def _service_with_schedule(**changes: object) -> list[tuple[str, bytes]]:
    """The official full service, its schedule changed wherever it appears in the document."""
    data = json.loads((HSDS_DIR / "examples/service_full.json").read_text())
    found = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("id") == SCHEDULE_ID:
                item.update(changes)
                found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    assert found
    return [("service.json", json.dumps(data).encode())]


def _errors(report) -> list[str]:
    return [str(e) for e in report.errors]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"opens_at": "25:00"}, "opens_at: '25:00' is not a time"),
        ({"closes_at": "18:61"}, "closes_at: '18:61' is not a time"),
        ({"dtstart": "2026-02-30"}, "dtstart: '2026-02-30' is not a date"),
        ({"until": "2026-13-01"}, "until: '2026-13-01' is not a date"),
        ({"byday": "XX"}, "byday: XX is not a day of the week"),
        ({"byday": "TH,9FRI"}, "byday: 9FRI is not a day of the week"),
        ({"byday": "+60MO"}, "the week number before the day must be 1 to 53"),
        ({"interval": 0}, "interval: interval must be 1 or more"),
        ({"count": 0, "until": None}, "count: count must be 1 or more"),
        ({"bymonthday": "2,40"}, "bymonthday: 40 is not a whole number from 1 to 31"),
        ({"byyearday": "0"}, "byyearday: 0 is not a whole number from 1 to 366"),
        ({"count": 10**30}, "is larger than 2147483647"),
    ],
    ids=[
        "hour-25",
        "minute-61",
        "february-30",
        "month-13",
        "byday-xx",
        "byday-word",
        "byday-ordinal",
        "interval-0",
        "count-0",
        "monthday-40",
        "yearday-0",
        "count-huge",
    ],
)
def test_it_refuses_a_schedule_that_is_not_one_per_record(world, changes, expected) -> None:
    report = run_import(_service_with_schedule(**changes), steward_id=world.org_a.pk)
    assert not report.ok
    assert any(expected in e and SCHEDULE_ID in e for e in _errors(report)), _errors(report)
    assert not Service.objects.exists() and not Schedule.objects.exists()


def test_it_keeps_until_and_notes_the_dropped_count_of_the_official_example(world) -> None:
    # The official example gives COUNT and UNTIL together, which RFC 5545 forbids.
    report = run_import(_service_with_schedule(), steward_id=world.org_a.pk)
    assert report.ok, _errors(report)
    schedule = Schedule.objects.get(pk=SCHEDULE_ID)
    assert schedule.until is not None and schedule.count is None
    assert any("until kept, count dropped" in str(w) for w in report.warnings)


def test_it_checks_a_typed_rule_as_rfc_5545_does() -> None:
    assert parse_rule("RRULE:FREQ=MONTHLY;BYDAY=2SA")[1] == []
    assert parse_rule("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=20261231")[1] == []
    for rule, field in [
        ("FREQ=WEEKLY;COUNT=3;UNTIL=20261231", "count"),
        ("FREQ=WEEKLY;INTERVAL=0", "interval"),
        ("FREQ=WEEKLY;BYDAY=XX", "byday"),
        ("FREQ=DAILY", "freq"),
        ("BYDAY=MO", "freq"),
        ("FREQ=WEEKLY;UNTIL=20260230", "until"),
        ("FREQ=WEEKLY;COLOR=RED", "rule"),
        ("FREQ=WEEKLY;WKST=XX", "wkst"),
    ]:
        assert field in {p.field for p in parse_rule(rule)[1]}, rule
    assert problems({}) == []


def test_it_refuses_json_nested_without_end(world) -> None:
    deep = b"[" * 50_000 + b"]" * 50_000
    report = run_import([("services.json", deep)], steward_id=world.org_a.pk)
    assert any("nests more than 32 levels" in e for e in _errors(report)), _errors(report)
    # Deep enough for the flattener to recurse on, shallow enough for json to parse.
    service: dict = {"id": SERVICE_ID, "name": "x", "status": "active"}
    for _ in range(200):
        service = {"id": SERVICE_ID, "name": "x", "status": "active",
                   "service_at_locations": [{"id": SCHEDULE_ID, "service": service}]}  # fmt: skip
    report = run_import([("service.json", json.dumps(service).encode())], steward_id=world.org_a.pk)
    assert any("nests more than 32 levels" in e for e in _errors(report)), _errors(report)
    assert not Service.objects.exists()


def zip_bomb(name: str, megabytes: int, header: bytes = b"id,name,status\n") -> bytes:
    """A real ZIP of one member of `megabytes` MB of zeros, about 1,000 times smaller: the
    same flushed deflate block repeated (no need to compress 400 MB to build it)."""
    megabyte = b"\0" * (1 << 20)

    def flushed(data: bytes) -> bytes:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)

    data = (
        flushed(header)
        + flushed(megabyte) * megabytes
        + zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    )
    crc = zlib.crc32(header)
    for _ in range(megabytes):
        crc = zlib.crc32(megabyte, crc)
    size, encoded = len(header) + megabytes * len(megabyte), name.encode()
    local = struct.pack(
        "<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0
    )
    central = struct.pack(
        "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded),
        0, 0, 0, 0, 0, 0,
    )  # fmt: skip
    local += encoded
    central += encoded
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(data), 0
    )
    return local + data + central + end


def test_it_refuses_a_zip_bomb_quickly_without_unpacking_it(world) -> None:
    bomb = zip_bomb("services.csv", 400)
    assert len(bomb) < 1_000_000
    (member,) = zipfile.ZipFile(io.BytesIO(bomb)).infolist()
    assert member.file_size > 400 * 1024 * 1024
    started = time.perf_counter()
    report = run_import([("directory.zip", bomb)], steward_id=world.org_a.pk)
    assert time.perf_counter() - started < 1.0
    assert _errors(report) == [
        "directory.zip · - -: the ZIP unpacks to more than 100 MB: split it into smaller ZIP files"
    ]


def test_it_refuses_a_zip_of_too_many_files(world) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(101):
            archive.writestr(f"notes/{n}.txt", "")
    report = run_import([("directory.zip", buffer.getvalue())], steward_id=world.org_a.pk)
    assert any("more than 100 files" in e for e in _errors(report)), _errors(report)


def test_it_refuses_a_directory_that_hides_its_size_behind_a_small_count(world) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(3000):
            archive.writestr(f"{n:0200}.txt", "")
    raw = bytearray(buffer.getvalue())
    end = raw.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", raw, end + 8, 1, 1)  # "one entry"
    report = run_import([("directory.zip", bytes(raw))], steward_id=world.org_a.pk)
    assert any("more than 100 files" in e for e in _errors(report)), _errors(report)


@override_settings(DIRECTORY_IMPORT_MAX_UNZIPPED_MB=1)
def test_it_reads_a_zip_within_the_limits_as_before(world) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted((HSDS_DIR / "examples/csv").glob("*.csv")):
            archive.write(path, f"hsds/{path.name}")
    report = run_import([("directory.zip", buffer.getvalue())], steward_id=world.org_a.pk)
    assert report.ok, _errors(report)
    assert Service.objects.filter(pk=SERVICE_ID).exists()


def test_it_answers_the_import_page_with_a_400_in_the_curators_language(world) -> None:
    curator = world.users["curator"]
    curator.language = "es"
    curator.save(update_fields=["language"])
    client = world.client("curator")
    upload = SimpleUploadedFile("directory.zip", zip_bomb("services.csv", 200))
    response = client.post(reverse("directory:import"), {"files": [upload]})
    assert response.status_code == 400
    assert "el ZIP se descomprime en más de 100 MB" in response.content.decode()
    assert AuditEvent.objects.filter(action="directory.import.refused").count() == 1
    assert not Service.objects.exists()


def test_it_refuses_an_impossible_modified_after_in_the_api(world) -> None:
    client = world.client("anonymous")
    for value in ("2026-02-30", "2026-02-30T10:00:00", "yesterday"):
        response = client.get(reverse("hsds:services"), {"modified_after": value})
        assert response.status_code == 400, value
        assert "modified_after" in response.json()["detail"]


def _service_form(organization, **changes):
    data = {
        "organization": organization.pk,
        "name": "NICU Graduate Parent Line",
        "description": "Veteran NICU parents answer your call.",
        "kind": "info_line",
        "condition_codes": ["prematurity"],
        "modality_codes": ["phone"],
        "languages": ["en"],
        "capacity": "open",
        "hours": "Tuesdays and Thursdays, 6–8 pm",
    }
    data.update(changes)
    return data


def test_it_stores_the_calendar_rule_a_curator_types(world, directory) -> None:
    client = world.client("curator")
    data = _service_form(directory["org"], hours_rule="FREQ=WEEKLY;BYDAY=TU,TH")
    response = client.post(reverse("directory:service_new"), data)
    assert response.status_code == 302
    schedule = Schedule.objects.get(service__name="NICU Graduate Parent Line")
    assert (schedule.freq, schedule.byday, schedule.count) == ("WEEKLY", "TU,TH", None)
    page = client.get(reverse("directory:service_edit", args=[schedule.service_id]))
    assert page.context["form"]["hours_rule"].value() == "FREQ=WEEKLY;BYDAY=TU,TH"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=WEEKLY;BYDAY=XX", "XX no es un día de la semana"),
        ("FREQ=WEEKLY;INTERVAL=0", "interval debe ser 1 o más"),
        ("FREQ=WEEKLY;COUNT=3;UNTIL=20261231", "count y until no pueden ir juntos"),
    ],
)
def test_it_refuses_a_calendar_rule_rfc_5545_forbids(world, directory, rule, message) -> None:
    curator = world.users["curator"]
    curator.language = "es"
    curator.save(update_fields=["language"])
    response = world.client("curator").post(
        reverse("directory:service_new"), _service_form(directory["org"], hours_rule=rule)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Service.objects.filter(name="NICU Graduate Parent Line").exists()


def test_it_keeps_another_organizations_curator_off_the_rule(world, directory) -> None:
    heart = directory["heart"]
    response = world.client("outsider").post(
        reverse("directory:service_edit", args=[heart.pk]),
        _service_form(directory["org"], hours_rule="FREQ=WEEKLY;BYDAY=MO"),
    )
    assert response.status_code in {403, 404}
    assert not Schedule.objects.filter(service=heart, byday="MO").exists()
