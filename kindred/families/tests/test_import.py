import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from kindred.audit.models import AuditEvent
from kindred.families.consent import may
from kindred.families.models import Caregiver, Child, Consent, Family, FamilyImport
from kindred.families.tests.conftest import make_family

GOOD = (
    "Parent first name,Last name,Phone,Idioma,Child first name,DOB,Diagnosis,Consent to contact,ZIP\n"
    "Rosa,Martínez,773-555-0101,Spanish,Luis,2022-04-01,Q90.9,yes,60623\n"
    "Dana,Brooks,312-555-0102,English,Maya,05/17/2019,Q21.3;Z93.1,no,\n"
    "Kim,Nguyen,,vi,,,,,\n"
)
BAD = GOOD + "Lee,Park,12,English,Joon,2099-01-01,X99.99,maybe,606\n"


def upload(client, content: str, name: str = "families.csv") -> FamilyImport:
    response = client.post(
        reverse("families:import"), {"file": SimpleUploadedFile(name, content.encode())}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return FamilyImport.objects.latest("id")


@pytest.mark.django_db
def test_it_imports_every_row_after_a_preview(world, django_capture_on_commit_callbacks) -> None:
    client = world.client("coordinator")
    job = upload(client, GOOD)
    review = reverse("families:import_review", args=[job.pk])
    page = client.get(review).content.decode()
    assert "Rosa" in page and "ready" in page
    assert job.mapping["caregiver_first_name"] == 0 and job.mapping["language"] == 3
    # The import is a background task, run (immediate backend) once the request commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            review, {**{f"map_{k}": v for k, v in job.mapping.items()}, "action": "import"}
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("families:import_progress", args=[job.pk])
    assert Family.objects.filter(program=world.program_a).count() == 3
    rosa = Caregiver.objects.get(first_name="Rosa")
    assert rosa.preferred_language == "es" and rosa.family.zip_code == "60623"
    assert may(rosa.family, Consent.Scope.CONTACT)
    assert not may(Caregiver.objects.get(first_name="Dana").family, Consent.Scope.CONTACT)
    maya = Child.objects.get(first_name="Maya")
    assert sorted(c.code for c in maya.conditions.all()) == ["Q21.3", "Z93.1"]
    assert "rosa martinez" in rosa.family.search_text
    job.refresh_from_db()
    assert job.status == "imported" and job.imported_count == 3 and bytes(job.content) == b""
    assert [t.to_status for t in job.transitions.order_by("id")] == ["importing", "imported"]
    assert job.transitions.get(to_status="imported").by == world.coordinator
    assert AuditEvent.objects.filter(action="families.familyimport.imported").count() == 1
    assert (
        AuditEvent.objects.filter(action="families.family.imported", program=world.program_a)
        .get()
        .detail["families"]
        == 3
    )


@pytest.mark.django_db
def test_it_imports_once_when_two_requests_race_for_the_same_job(world) -> None:
    """The rows and the job's end are one transaction: the slower of two clicks adds nothing."""
    from unittest import mock

    from kindred.families import importer

    client = world.client("coordinator")
    job = upload(client, GOOD)
    review = reverse("families:import_review", args=[job.pk])
    real_validate = importer.validate

    def other_tab_finishes_first(**kwargs):
        # The other request ends the job after this one has read it as "uploaded".
        FamilyImport.objects.get(pk=job.pk).transition(to="abandoned", by=world.coordinator)
        return real_validate(**kwargs)

    with mock.patch.object(importer, "validate", side_effect=other_tab_finishes_first):
        response = client.post(
            review, {**{f"map_{k}": v for k, v in job.mapping.items()}, "action": "import"}
        )
    assert response.status_code == 302
    assert Family.objects.filter(program=world.program_a).count() == 0
    job.refresh_from_db()
    assert job.status == "abandoned" and job.transitions.get().to_status == "abandoned"


@pytest.mark.django_db
def test_it_reads_languages_as_spreadsheets_and_the_old_lists_spell_them(
    world, django_capture_on_commit_callbacks
) -> None:
    rows = [
        ("Ana", "Español"),
        ("Bao", "zh-Hant"),
        ("Chen", "Chinese (Cantonese)"),
        ("Dede", "ASL"),
        ("Eli", "es-MX"),
        ("Fay", "ESL"),  # an English learner: which language is not said
        ("Gus", ""),  # an empty cell is the program's default
    ]
    content = "First name,Language\n" + "".join(f"{n},{lang}\n" for n, lang in rows)
    client = world.client("coordinator")
    job = upload(client, content)
    review = reverse("families:import_review", args=[job.pk])
    mapping = {f"map_{k}": v for k, v in job.mapping.items()}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(review, {**mapping, "action": "import"}).status_code == 302
    languages = dict(Caregiver.objects.values_list("first_name", "preferred_language"))
    assert languages == {
        "Ana": "es",
        "Bao": "zh",
        "Chen": "yue",
        "Dede": "ase",
        "Eli": "es",
        "Fay": "other",
        "Gus": "en",
    }
    # The family list's language search finds them by code, Chinese with Cantonese.
    response = client.post(reverse("families:list"), {"language": "zh"}, follow=True)
    page = response.content.decode()
    assert "Bao" in page and "Chen" in page and "Ana" not in page


@pytest.mark.django_db
def test_it_shows_row_errors_and_imports_nothing(world) -> None:
    client = world.client("coordinator")
    job = upload(client, BAD)
    review = reverse("families:import_review", args=[job.pk])
    page = client.get(review).content.decode()
    assert "Row 5" in page
    assert (
        "is not in the program&#x27;s list of conditions" in page
        or "is not in the program's list" in page
    )
    assert "The date of birth cannot be in the future." in page
    assert "write yes or no" in page
    assert "Enter a ZIP code" in page
    response = client.post(
        review, {**{f"map_{k}": v for k, v in job.mapping.items()}, "action": "import"}
    )
    assert response.status_code == 400 and "Nothing was imported" in response.content.decode()
    assert not Family.objects.exists()


@pytest.mark.django_db
def test_it_requires_the_first_name_column(world) -> None:
    client = world.client("coordinator")
    job = upload(client, GOOD)
    review = reverse("families:import_review", args=[job.pk])
    response = client.post(review, {"map_phone": "2", "action": "import"})
    assert "Choose a column for" in response.content.decode()
    assert not Family.objects.exists()


@pytest.mark.django_db
def test_it_reads_excel_and_warns_about_duplicates(world) -> None:
    from openpyxl import Workbook

    make_family(world, caregiver={"phone": "773-555-0101"})
    workbook = Workbook()
    sheet = workbook.active
    for line in GOOD.strip().splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = world.client("coordinator")
    response = client.post(
        reverse("families:import"), {"file": SimpleUploadedFile("f.xlsx", buffer.getvalue())}
    )
    job = FamilyImport.objects.latest("id")
    assert response.status_code == 302
    page = client.get(reverse("families:import_review", args=[job.pk])).content.decode()
    assert "already in the program" in page


@pytest.mark.django_db
def test_it_refuses_a_file_that_is_not_a_spreadsheet(world) -> None:
    client = world.client("coordinator")
    response = client.post(
        reverse("families:import"), {"file": SimpleUploadedFile("x.pdf", b"%PDF")}
    )
    assert (
        response.status_code == 400 and "Choose a .csv or .xlsx file." in response.content.decode()
    )
    response = client.post(
        reverse("families:import"), {"file": SimpleUploadedFile("x.xlsx", b"not a zip")}
    )
    assert response.status_code == 400 and "could not be read" in response.content.decode()


@pytest.mark.django_db
def test_it_refuses_a_cell_longer_than_the_csv_reader_takes(world) -> None:
    client = world.client("coordinator")
    huge = "Parent first name,Last name\nRosa," + "x" * 131_073 + "\n"
    response = client.post(
        reverse("families:import"), {"file": SimpleUploadedFile("families.csv", huge.encode())}
    )
    assert response.status_code == 400
    assert "longer than 131072 characters" in response.content.decode()
    assert not FamilyImport.objects.exists()
    assert not AuditEvent.objects.filter(action="families.familyimport.uploaded").exists()


@pytest.mark.django_db
def test_it_keeps_imports_to_their_program(world) -> None:
    job = upload(world.client("coordinator"), GOOD)
    response = world.client("outsider").get(reverse("families:import_review", args=[job.pk]))
    assert response.status_code == 404


def _manage(env: dict[str, str], *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


@pytest.mark.django_db(transaction=True)
def test_it_leaves_no_partial_rows_when_the_import_is_killed(world, tmp_path) -> None:
    """All or nothing, for real: SIGKILL the importing process after it wrote the families."""
    rows = "".join(
        f"Pat{n},Kill{n},773-555-{n:04d},English,Kid{n},2020-01-01,,yes,\n" for n in range(500)
    )
    path = tmp_path / "big.csv"
    path.write_text(GOOD.splitlines()[0] + "\n" + rows)
    env = {**os.environ, "DEBUG": "true", "KINDRED_FAST_PASSWORD_HASHER": "1"}
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        # The test database itself: the world above is committed (transaction=True).
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
        if db.get("PASSWORD"):
            env["DATABASE_URL"] = env["DATABASE_URL"].replace(
                f"{db['USER']}@", f"{db['USER']}:{db['PASSWORD']}@"
            )
        program, by = world.program_a.slug, world.coordinator.email

        def count() -> int:
            return Family.objects.filter(program=world.program_a).count()
    else:
        # The in-memory SQLite test database is invisible to another process: use a file one.
        env.pop("DATABASE_URL", None)
        (tmp_path / "var").mkdir()
        env["KINDRED_VAR_DIR"] = str(tmp_path / "var")
        migrate = _manage(env, "migrate", "--no-input")
        assert migrate.wait(timeout=300) == 0, migrate.stderr.read()[-3000:]
        seed = (
            "from kindred.core.testing.personas import build_world; w = build_world();"
            "print(w.program_a.slug, w.coordinator.email)"
        )
        out = _manage(env, "shell", "-c", seed).communicate(timeout=120)[0]
        program, by = out.strip().splitlines()[-1].split()

        def count() -> int:
            code = "from kindred.families.models import Family; print(Family.objects.count())"
            return int(_manage(env, "shell", "-c", code).communicate(timeout=120)[0].split()[-1])

    process = _manage(
        env, "import_families", str(path), "--program", program, "--by", by, "--pause-midway", "60"
    )
    deadline = time.monotonic() + 120
    seen = ""
    while "paused" not in seen and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        seen += line
    assert "families 500" in seen and "paused" in seen, seen + process.stderr.read()
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert count() == 0

    # The same import, not killed, writes every row: the test above can fail.
    finished = _manage(env, "import_families", str(path), "--program", program, "--by", by)
    assert finished.wait(timeout=300) == 0, finished.stderr.read()
    assert count() == 500
