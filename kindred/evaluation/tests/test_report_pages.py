"""The report's pages and exports: who may read what, bad periods, the audit, formula-safe
spreadsheets, the query budget, and the 18 Safe Harbor identifiers that never reach an evaluator."""

import csv
import io
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kindred.audit.models import AuditEvent
from kindred.core.testing.personas import signed_in
from kindred.encounters.models import Encounter, EncounterFamily, EncounterMentor, EncounterSupport
from kindred.families.inputs import CaregiverInput, ChildInput, FamilyInput
from kindred.families.services import family_create
from kindred.mentors.tests.factories import make_active
from kindred.referrals.services import ReferredFamily
from kindred.referrals.tests.conftest import make_referral

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 2)


def _period(days_back: int = 30) -> dict[str, str]:
    today = timezone.localdate()
    return {"start": (today - timedelta(days=days_back)).isoformat(), "end": today.isoformat()}


def _encounter(world, family, mentor, *, when=None, **fields):
    e = Encounter.objects.create(
        program=world.program_a,
        occurred_at=when or timezone.now() - timedelta(days=2),
        duration_minutes=fields.pop("minutes", 30),
        setting=fields.pop("setting", "inpatient"),
        mode=fields.pop("mode", "in_person"),
        initiated_by="mentor",
        created_by=world.coordinator,
        **fields,
    )
    EncounterFamily.objects.create(encounter=e, family=family)
    EncounterMentor.objects.create(encounter=e, mentor=mentor)
    EncounterSupport.objects.create(encounter=e, support_type="emotional")
    e.children.set(family.children.all())
    e.caregivers.set(family.caregivers.all())
    return e


# One planted value for each of the 18 Safe Harbor identifier kinds (45 CFR 164.514(b)(2)(i)).
PLANTED = {
    "A names": "Zebulonia",
    "B geography below the state (street, city, 5-digit ZIP)": "77 Quillfeather Lane",
    "B city": "Vexbury",
    "B zip": "27705",
    "C dates (birth)": "2019-03-17",
    "C dates (encounter)": "planted-date",
    "D telephone": "919-555-0142",
    "E fax": "919-555-0143",
    "F e-mail": "zebulonia@example.test",
    "G social security number": "078-05-1120",
    "H medical record number": "MRN-55501",
    "I health plan number": "HPB-99881",
    "J account number": "ACCT-44120",
    "K certificate or licence number": "LIC-77110",
    "L vehicle identifiers": "VIN-1HGBH41JXMN109186",
    "M device identifiers": "DEV-SN-887766",
    "N web address": "https://zebulonia.example.test/",
    "O IP address": "203.0.113.77",
    "P biometric identifiers": "fingerprint-hash-abc123",
    "Q photographs": "photo-zebulonia.jpg",
    "R any other unique number or code": "KIN-UNIQUE-31337",
}


@pytest.fixture
def planted(world):
    """A family whose records carry every identifier kind in the places people type them."""
    mentor = make_active(
        world.program_a, world.coordinator, full_name="Mentor Zebulonia", email="mz@a.test"
    )
    free_text = " ".join(PLANTED.values())
    family = family_create(
        program=world.program_a,
        family=FamilyInput(
            name="Zebulonia",
            address_line1=PLANTED["B geography below the state (street, city, 5-digit ZIP)"],
            city=PLANTED["B city"],
            state="NC",
            zip_code=PLANTED["B zip"],
            notes=free_text,
            caregivers=[
                CaregiverInput(
                    first_name="Zebulonia",
                    last_name="Quillfeather",
                    relationship="mother",
                    phone=PLANTED["D telephone"],
                    phone_alt=PLANTED["E fax"],
                    email=PLANTED["F e-mail"],
                    identity_notes=PLANTED["G social security number"],
                    preferred_language="es",
                )
            ],
            children=[
                ChildInput(
                    first_name="Zebulonia",
                    date_of_birth=date(2019, 3, 17),
                    care_settings=PLANTED["H medical record number"],
                ),
                ChildInput(first_name="Elder", date_of_birth=date(1930, 1, 1)),  # over 89
            ],
        ),
        by=world.coordinator,
    )
    referral = make_referral(
        world,
        family=ReferredFamily(
            caregiver_first_name="Zebulonia", phone=PLANTED["D telephone"], language="es"
        ),
        looking_for=free_text,
        referrer_department=PLANTED["I health plan number"],
    )
    assert referral.family_id == family.pk  # linked by phone
    when = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=3), time(10)))
    _encounter(
        world,
        family,
        mentor,
        when=when,
        notes=free_text,
        concern="safety",
        concern_details=free_text,
    )
    return {"family": family, "mentor": mentor, "when": when}


def _reachable_exports(client, world):
    """Everything the evaluator can download or read."""
    query = _period()
    answers = {}
    for path in ("/reports/", "/reports/report.pdf", "/reports/exports/deidentified.csv", "/"):
        response = client.get(path, query)
        answers[path] = response
    return answers


def test_no_identifier_reaches_an_evaluator(client, world, planted, monkeypatch):
    import weasyprint

    printed = []

    class Printer:
        def __init__(self, string):
            printed.append(string)

        def write_pdf(self):
            return b"%PDF-1.7 (the HTML is checked)"

    monkeypatch.setattr(weasyprint, "HTML", Printer)
    signed_in(client, world.evaluator)
    answers = _reachable_exports(client, world)
    assert answers["/reports/"].status_code == 200
    rows = list(
        csv.reader(
            io.StringIO(answers["/reports/exports/deidentified.csv"].content.decode("utf-8-sig"))
        )
    )
    assert len(rows) == 2  # header + one encounter row of the planted family
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["zip3"] == "277"
    assert record["encounter_year"] == str(planted["when"].year)
    assert record["children_ages"] == "7;90+"
    assert record["family"].startswith("F")
    identifiers = [
        *PLANTED.values(),
        "Quillfeather",
        "Elder",
        planted["when"].date().isoformat(),
        "1930-01-01",
    ]
    for path, response in answers.items():
        assert response.status_code == 200, path
        if response["Content-Type"].startswith("application/pdf"):
            text = printed[0]
        else:
            text = response.content.decode("utf-8-sig")
        for value in identifiers:
            assert value not in text, (path, value)
    # Identifiable exports stay closed to the evaluator.
    for path in (
        "/reports/exports/encounters.csv",
        "/reports/exports/matches.xlsx",
        "/reports/exports/network.csv",
    ):
        assert client.get(path, _period()).status_code == 403


def test_the_coordinator_exports_formula_safe_and_audited(client, world, planted):
    family = planted["family"]
    family.name = '=HYPERLINK("http://evil")'
    family.save(update_fields=["name"])
    signed_in(client, world.coordinator)
    response = client.get("/reports/exports/encounters.csv", _period())
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    response = client.get("/reports/exports/encounters.xlsx", _period())
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert '\'=HYPERLINK("http://evil")' in values
    assert client.get("/reports/exports/matches.csv", _period()).status_code == 200
    assert client.get("/reports/exports/matches.xlsx", _period()).status_code == 200
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    response = client.get("/reports/exports/network.csv", {"year": today.year, "quarter": quarter})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    figures = {(r[0], r[1]): r[2] for r in rows[1:]}
    assert figures[("Families served", "one to one")] == "1"
    assert figures[("Encounters", "")] == "1"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "evaluation.encounters.exported",
        "evaluation.matches.exported",
        "evaluation.network.exported",
    } <= actions


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2026-05-01", "end": "2026-04-01"},
        {"start": "not-a-date", "end": "2026-04-01"},
        {"start": "2020-01-01", "end": "2026-04-01"},
        {"start": "9999-12-30", "end": "9999-12-31"},
        {"start": "2026-01-01", "end": "2026-02-01", "compare_start": "2025-01-01"},
        {"start": "", "end": ""},
        {"start": "2026-01-01\x00", "end": "2026-02-01"},
    ],
)
def test_a_bad_period_is_a_clear_400(client, world, query):
    signed_in(client, world.coordinator)
    for path in ("/reports/", "/reports/report.pdf", "/reports/exports/encounters.csv"):
        response = client.get(path, query)
        assert response.status_code == 400, (path, query)
    assert (
        client.get("/reports/exports/network.csv", {"year": "20x", "quarter": "9"}).status_code
        == 400
    )


def test_another_programs_report_shows_nothing_of_program_a(client, world, planted):
    signed_in(client, world.outsider)
    session = client.session
    session["kindred_program_id"] = world.program_a.pk
    session.save()
    response = client.get("/reports/", _period())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Program A" not in html and "Program B" in html
    assert "Mentors</th><td>0</td>" in html


def test_referrers_and_mentors_see_no_report(client, world):
    for persona in ("referrer", "mentor"):
        signed_in(client, world.users[persona])
        assert client.get("/reports/").status_code == 403
        assert client.get("/reports/exports/deidentified.csv", _period()).status_code == 403


def test_two_periods_side_by_side_and_the_pdf(client, world, planted):
    signed_in(client, world.coordinator)
    today = timezone.localdate()
    query = {
        **_period(),
        "compare_start": (today - timedelta(days=400)).isoformat(),
        "compare_end": (today - timedelta(days=370)).isoformat(),
    }
    html = client.get("/reports/", query).content.decode()
    assert html.count('<th scope="col">') >= 3
    response = client.get("/reports/report.pdf", query)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="evaluation.report.exported").exists()
