"""The files people really upload as "CSV": every export encoding and line ending imports the
same families; what is not a text spreadsheet gets a clear 400 in the user's language."""

import codecs
import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kindred.families.models import Caregiver, FamilyImport

TEXT = (
    "Parent first name,Last name,Phone,Idioma,Notes\n"
    'Rosa,Martínez,773-555-0101,Español,"lives with\nher grandmother"\n'
    "Zoë,Brooks-Peña,312-555-0102,English,café\n"
)
ENCODINGS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8 with BOM": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "utf-16 LE with BOM": lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
    "utf-16 BE with BOM": lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    "utf-16 LE without BOM": lambda t: t.encode("utf-16-le"),
    "windows-1252": lambda t: t.encode("cp1252"),
}
ENDINGS = {"LF": "\n", "CRLF": "\r\n", "CR": "\r"}


def post(client, content: bytes, name: str = "families.csv", **extra):
    return client.post(
        reverse("families:import"), {"file": SimpleUploadedFile(name, content)}, **extra
    )


@pytest.mark.django_db
@pytest.mark.parametrize("ending", ENDINGS)
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_export_encoding_and_line_ending_imports_the_same_families(
    world, django_capture_on_commit_callbacks, encoding, ending
) -> None:
    client = world.client("coordinator")
    content = ENCODINGS[encoding](TEXT.replace("\n", ENDINGS[ending]))
    response = post(client, content)
    assert response.status_code == 302, response.content.decode()[:3000]
    job = FamilyImport.objects.get()
    assert job.row_count == 2
    assert job.mapping["caregiver_first_name"] == 0 and job.mapping["language"] == 3
    review = reverse("families:import_review", args=[job.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(review, {**{f"map_{k}": v for k, v in job.mapping.items()}, "action": "import"})
    job.refresh_from_db()
    assert job.status == "imported" and job.imported_count == 2
    rosa = Caregiver.objects.get(first_name="Rosa")
    assert rosa.last_name == "Martínez" and rosa.preferred_language == "es"
    # A line break inside a quoted cell stays a line break, whatever the file's line endings.
    assert rosa.family.notes.split() == ["lives", "with", "her", "grandmother"]
    zoe = Caregiver.objects.get(first_name="Zoë")
    assert zoe.last_name == "Brooks-Peña" and zoe.family.notes == "café"


@pytest.mark.django_db
def test_an_xlsx_renamed_csv_is_read_as_the_workbook_it_is(world) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    for line in TEXT.replace('"lives with\nher grandmother"', "x").strip().splitlines():
        workbook.active.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = post(world.client("coordinator"), buffer.getvalue())
    assert response.status_code == 302
    assert FamilyImport.objects.get().row_count == 2


OLD_XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"\x00\x01Workbook" * 40


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "english", "spanish"),
    [
        (OLD_XLS, "This is an old Excel file (.xls)", "Este es un archivo antiguo de Excel (.xls)"),
        (
            os.urandom(4096),
            "This file is not a text spreadsheet",
            "no es una hoja de cálculo de texto",
        ),
        (
            b"%PDF-1.7\n" + os.urandom(2000),
            "This file is not a spreadsheet",
            "no es una hoja de cálculo",
        ),
        (
            b"first name,last name\n" + bytes(range(1, 9)) * 200,
            "This file is not a text spreadsheet",
            "no es una hoja de cálculo de texto",
        ),
    ],
    ids=["old xls", "random bytes", "pdf", "controls"],
)
def test_what_is_not_a_text_spreadsheet_gets_a_clear_400_in_english_and_spanish(
    world, content, english, spanish
) -> None:
    client = world.client("coordinator")
    for name in ("families.csv", "families.xlsx"):
        response = post(client, content, name=name)
        assert response.status_code == 400
        page = response.content.decode()
        assert "Traceback" not in page
        if name.endswith(".csv") or content is OLD_XLS:
            assert english in page, page[:3000]
    world.coordinator.language = "es"  # a coordinator who reads Kindred in Spanish
    world.coordinator.save(update_fields=["language"])
    response = post(world.client("coordinator"), content)
    assert response.status_code == 400 and spanish in response.content.decode()
    assert not FamilyImport.objects.exists()


def test_random_bytes_are_never_read_as_a_spreadsheet() -> None:
    """1,000 random files: each is refused (NotText or a CSV error), none is read as rows."""
    from kindred.families import csv_text

    accepted = 0
    for _n in range(1000):
        try:
            csv_text.decode(os.urandom(2048))
        except csv_text.NotText:
            continue
        accepted += 1
    assert accepted == 0
