"""Import families from a spreadsheet: read, map columns, validate every row, import all or none.

One row is one family: a caregiver and, optionally, a child. The import runs in one database
transaction, so a crash or a killed process leaves no partial rows (tested by SIGKILL in
tests/test_import.py). Rows are written with bulk_create after validation in Python, which
keeps 10,000 rows within a small factor of a raw bulk_create (bench/bench_families.py).
"""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kindred.audit.log import record
from kindred.families import csv_text
from kindred.families.models import (
    Caregiver,
    Child,
    Condition,
    Consent,
    Family,
    language_search_text,
    normalize_text,
    phone_digits,
)
from kindred.lib.languages import LANGUAGE_CODES, OTHER, normalize_language
from kindred.programs.models import Program

MAX_ROWS = 20000
# Python's csv reader refuses longer cells by default, but that limit is global to the process
# (a library may raise it): the import checks its own.
MAX_CELL = 131_072

# What full_clean() checks on a row being read: the fields a spreadsheet cell sets. The others
# are the import's own (program, family, creator, timestamps) or their defaults; checking every
# field of three models for each row was most of the validation's time (issue 16,
# bench/bench_families.py). The caregiver's language is checked by the importer: the field's
# choices are the language list sorted by name in the active language, rebuilt on each check.
FAMILY_FROM_CELLS = {"name", "address_line1", "city", "state", "zip_code", "notes"}
CAREGIVER_FROM_CELLS = {"first_name", "last_name", "relationship", "phone", "email"}
CHILD_FROM_CELLS = {"first_name", "last_name", "date_of_birth"}
LANGUAGE_SET = frozenset(LANGUAGE_CODES)


def _not_from_cells(model: Any, checked: set[str]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if f.name not in checked]


FAMILY_NOT_CHECKED = _not_from_cells(Family, FAMILY_FROM_CELLS)
CAREGIVER_NOT_CHECKED = _not_from_cells(Caregiver, CAREGIVER_FROM_CELLS)
CHILD_NOT_CHECKED = _not_from_cells(Child, CHILD_FROM_CELLS)


@dataclass(frozen=True)
class Target:
    key: str
    label: str | Promise
    aliases: tuple[str, ...]
    required: bool = False


TARGETS = [
    Target(
        "family_name",
        gettext_lazy("Family name"),
        ("family", "family name", "familia", "household"),
    ),
    Target(
        "caregiver_first_name",
        gettext_lazy("Caregiver first name"),
        (
            "first name",
            "parent first name",
            "caregiver first name",
            "nombre",
            "nombre del padre",
            "parent first",
        ),
        required=True,
    ),
    Target(
        "caregiver_last_name",
        gettext_lazy("Caregiver last name"),
        (
            "last name",
            "surname",
            "parent last name",
            "caregiver last name",
            "apellido",
            "apellidos",
        ),
    ),
    Target(
        "relationship",
        gettext_lazy("Relationship to the child"),
        ("relationship", "relation", "parentesco", "relación"),
    ),
    Target(
        "phone",
        gettext_lazy("Phone"),
        ("phone", "phone number", "cell", "mobile", "teléfono", "telefono", "celular"),
    ),
    Target(
        "email",
        gettext_lazy("E-mail"),
        ("email", "e-mail", "email address", "correo", "correo electrónico"),
    ),
    Target(
        "language",
        gettext_lazy("Preferred language"),
        ("language", "preferred language", "idioma", "lengua"),
    ),
    Target(
        "interpreter",
        gettext_lazy("Needs an interpreter"),
        ("interpreter", "interpreter needed", "intérprete", "interprete"),
    ),
    Target("address", gettext_lazy("Address"), ("address", "street", "dirección", "direccion")),
    Target("city", gettext_lazy("City"), ("city", "ciudad")),
    Target("state", gettext_lazy("State"), ("state", "estado")),
    Target(
        "zip_code",
        gettext_lazy("ZIP code"),
        ("zip", "zip code", "zipcode", "postal code", "código postal"),
    ),
    Target(
        "child_first_name",
        gettext_lazy("Child first name"),
        ("child first name", "child", "child name", "nombre del niño", "nombre del hijo"),
    ),
    Target(
        "child_last_name", gettext_lazy("Child last name"), ("child last name", "apellido del niño")
    ),
    Target(
        "child_birth_date",
        gettext_lazy("Child date of birth"),
        ("dob", "date of birth", "birth date", "child dob", "birthday", "fecha de nacimiento"),
    ),
    Target(
        "conditions",
        gettext_lazy("Child conditions (ICD-10-CM codes)"),
        ("conditions", "diagnosis", "diagnoses", "icd10", "icd-10", "diagnóstico", "diagnostico"),
    ),
    Target(
        "consent_contact",
        gettext_lazy("Agreed to be contacted"),
        ("consent", "consent to contact", "ok to contact", "may contact", "consentimiento"),
    ),
    Target("notes", gettext_lazy("Notes"), ("notes", "comments", "notas", "comentarios")),
]
TARGET_KEYS = [t.key for t in TARGETS]

YES = {"y", "yes", "true", "1", "x", "si", "sí", "s"}
NO = {"", "n", "no", "false", "0"}
RELATIONSHIPS = {
    "mother": "mother",
    "mom": "mother",
    "mum": "mother",
    "madre": "mother",
    "mama": "mother",
    "mamá": "mother",
    "father": "father",
    "dad": "father",
    "padre": "father",
    "papa": "father",
    "papá": "father",
    "parent": "parent",
    "grandmother": "grandparent",
    "grandfather": "grandparent",
    "grandparent": "grandparent",
    "abuela": "grandparent",
    "abuelo": "grandparent",
    "foster parent": "foster_parent",
    "foster": "foster_parent",
    "guardian": "guardian",
    "legal guardian": "guardian",
    "tutor": "guardian",
    "tutora": "guardian",
    "other": "other",
}


class ImportFileError(Exception):
    pass


def read_table(filename: str, content: bytes) -> tuple[list[str], list[list[str]]]:
    """(headers, rows) of a CSV or XLSX file; every cell as text."""
    if content.startswith(csv_text.OLE2):
        raise ImportFileError(str(csv_text.old_excel_message()))
    rows = _read_xlsx(content) if filename.lower().endswith(".xlsx") else _read_csv(content)
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise ImportFileError(_("The file is empty."))
    headers = [h.strip() for h in rows[0]]
    body = rows[1:]
    if len(body) > MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(max)s rows. Split it into smaller files.")
            % {"max": MAX_ROWS}
        )
    width = len(headers)
    return headers, [(r + [""] * width)[:width] for r in body]


def _cell_too_long() -> ImportFileError:
    return ImportFileError(
        _(
            "A cell of this file is longer than %(max)s characters: it is not a "
            "spreadsheet of families. Check the file and export it again."
        )
        % {"max": MAX_CELL}
    )


def _read_csv(content: bytes) -> list[list[str]]:
    if csv_text.is_zip(content):
        # An .xlsx (or .ods) renamed .csv: read it as the workbook it is.
        return _read_xlsx(content)
    try:
        text = csv_text.decode(content)
        rows = csv_text.rows(text)
    except csv_text.NotText as exc:
        raise ImportFileError(str(exc)) from exc
    except csv.Error as exc:
        # No real family record has a cell longer than the reader takes: the file is refused,
        # not truncated.
        if "field larger than field limit" in str(exc):
            raise _cell_too_long() from exc
        raise ImportFileError(
            _("This file could not be read as CSV: check that it is a spreadsheet saved as CSV.")
        ) from exc
    if any(len(cell) > MAX_CELL for row in rows for cell in row):
        raise _cell_too_long()
    return rows


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise ImportFileError(_("This file could not be read as an Excel workbook.")) from exc
    sheet = workbook.worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        row = []
        for value in values:
            if value is None:
                row.append("")
            elif isinstance(value, datetime):
                row.append(value.date().isoformat())
            elif isinstance(value, date):
                row.append(value.isoformat())
            elif isinstance(value, float) and value.is_integer():
                row.append(str(int(value)))
            else:
                row.append(str(value))
        rows.append(row)
    workbook.close()
    return rows


def guess_mapping(headers: list[str]) -> dict[str, int]:
    """{target key: column index} from header names in English or Spanish."""
    normalized = [normalize_text(h).replace("_", " ") for h in headers]
    mapping: dict[str, int] = {}
    for target in TARGETS:
        aliases = {normalize_text(a) for a in target.aliases}
        for index, header in enumerate(normalized):
            if header in aliases and index not in mapping.values():
                mapping[target.key] = index
                break
    return mapping


def parse_date(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y", "%Y/%m/%d"):
        try:
            return datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise ValueError(value)


def parse_language(value: str) -> str:
    """An empty cell is English (the program's default); a language off the list is "other"."""
    if not (value or "").strip():
        return "en"
    return normalize_language(value) or OTHER


@dataclass
class ParsedRow:
    number: int  # the row's number in the spreadsheet (header is row 1)
    family: Family
    caregiver: Caregiver
    child: Child | None
    condition_ids: list[int] = field(default_factory=list)
    consent_contact: bool = False


@dataclass
class Preview:
    rows: list[ParsedRow]
    errors: dict[int, list[str]]
    warnings: dict[int, list[str]]

    @property
    def ok(self) -> bool:
        return not self.errors


def _messages(exc: ValidationError, labels: dict[str, str]) -> list[str]:
    out = []
    for name, messages in exc.message_dict.items():
        label = labels.get(name, "")
        for message in messages:
            out.append(f"{label}: {message}" if label else message)
    return out


def validate(
    *,
    program: Program,
    headers: list[str],
    rows: list[list[str]],
    mapping: dict[str, int],
    progress: Callable[[int], None] | None = None,
) -> Preview:
    """Every row checked; `progress(rows done)` is called every 1,000 rows."""
    labels = {t.key: str(t.label) for t in TARGETS}
    field_labels = {
        "first_name": labels["caregiver_first_name"],
        "last_name": labels["caregiver_last_name"],
        "phone": labels["phone"],
        "email": labels["email"],
        "zip_code": labels["zip_code"],
        "state": labels["state"],
        "name": labels["family_name"],
        "address_line1": labels["address"],
    }
    child_labels = {
        "first_name": labels["child_first_name"],
        "last_name": labels["child_last_name"],
        "date_of_birth": labels["child_birth_date"],
    }
    conditions = {
        c.code.upper(): c.pk
        for c in Condition.objects.for_program(program).filter(is_active=True)
        if c.code
    }
    parsed: list[ParsedRow] = []
    errors: dict[int, list[str]] = {}
    now = timezone.now()
    missing = [t for t in TARGETS if t.required and t.key not in mapping]
    if missing:
        errors[1] = [_("Choose a column for “%(field)s”.") % {"field": t.label} for t in missing]
        return Preview(rows=[], errors=errors, warnings={})

    for offset, raw in enumerate(rows):
        number = offset + 2
        if progress and offset and offset % 1000 == 0:
            progress(offset)

        def get(key: str, raw: list[str] = raw) -> str:
            index = mapping.get(key)
            return raw[index].strip() if index is not None and index < len(raw) else ""

        problems: list[str] = []
        relationship_text = normalize_text(get("relationship"))
        relationship = RELATIONSHIPS.get(
            relationship_text, "parent" if not relationship_text else ""
        )
        if not relationship:
            relationship = "other"
        caregiver = Caregiver(
            first_name=get("caregiver_first_name"),
            last_name=get("caregiver_last_name"),
            relationship=relationship,
            is_primary=True,
            phone=get("phone"),
            email=get("email"),
            preferred_language=parse_language(get("language")),
            created_at=now,
            updated_at=now,
        )
        interpreter = normalize_text(get("interpreter"))
        if interpreter in YES:
            caregiver.interpreter_needed = True
        elif interpreter not in NO:
            problems.append(
                _("%(field)s: write yes or no, not “%(value)s”.")
                % {"field": labels["interpreter"], "value": get("interpreter")}
            )
        family = Family(
            program=program,
            name=get("family_name") or caregiver.last_name or caregiver.first_name,
            address_line1=get("address"),
            city=get("city"),
            state=get("state").upper()[:2],
            zip_code=get("zip_code"),
            notes=get("notes"),
            created_at=now,
            updated_at=now,
        )
        try:
            family.full_clean(
                exclude=FAMILY_NOT_CHECKED,
                validate_constraints=False,
                validate_unique=False,
            )
        except ValidationError as exc:
            problems += _messages(exc, field_labels)
        try:
            caregiver.full_clean(
                exclude=CAREGIVER_NOT_CHECKED, validate_constraints=False, validate_unique=False
            )
        except ValidationError as exc:
            problems += _messages(exc, field_labels)
        if caregiver.preferred_language not in LANGUAGE_SET:  # parse_language: never, today
            problems.append(
                _("%(field)s: “%(value)s” is not a language of the list.")
                % {"field": labels["language"], "value": get("language")}
            )

        child = None
        condition_ids: list[int] = []
        if get("child_first_name") or get("child_birth_date") or get("conditions"):
            birth = None
            try:
                birth = parse_date(get("child_birth_date"))
            except ValueError:
                problems.append(
                    _("%(field)s: “%(value)s” is not a date. Write it as 2021-03-09 or 03/09/2021.")
                    % {"field": labels["child_birth_date"], "value": get("child_birth_date")}
                )
            child = Child(
                first_name=get("child_first_name"),
                last_name=get("child_last_name") or caregiver.last_name,
                date_of_birth=birth,
                created_at=now,
                updated_at=now,
            )
            try:
                child.full_clean(
                    exclude=CHILD_NOT_CHECKED, validate_constraints=False, validate_unique=False
                )
            except ValidationError as exc:
                problems += _messages(exc, child_labels)
            for code in re.split(r"[;,|/ ]+", get("conditions").upper()):
                if not code:
                    continue
                if code not in conditions:
                    problems.append(
                        _("%(field)s: “%(code)s” is not in the program's list of conditions.")
                        % {"field": labels["conditions"], "code": code}
                    )
                else:
                    condition_ids.append(conditions[code])
        consent = normalize_text(get("consent_contact"))
        if consent not in YES | NO:
            problems.append(
                _("%(field)s: write yes or no, not “%(value)s”.")
                % {"field": labels["consent_contact"], "value": get("consent_contact")}
            )
        if problems:
            errors[number] = problems
        parsed.append(ParsedRow(number, family, caregiver, child, condition_ids, consent in YES))

    return Preview(rows=parsed, errors=errors, warnings=_duplicate_warnings(program, parsed))


def _duplicate_warnings(program: Program, rows: list[ParsedRow]) -> dict[int, list[str]]:
    """Rows that look like a family already in the program, or like an earlier row of the file."""
    warnings: dict[int, list[str]] = {}
    by_phone: dict[str, int] = {}
    by_email: dict[str, int] = {}
    for row in rows:
        digits, email = phone_digits(row.caregiver.phone), row.caregiver.email.lower()
        for key, seen in ((digits, by_phone), (email, by_email)):
            if key and key in seen:
                warnings.setdefault(row.number, []).append(
                    _("Same phone or e-mail as row %(row)s.") % {"row": seen[key]}
                )
            elif key:
                seen[key] = row.number
    existing = Caregiver.objects.filter(
        family__program=program,
        family__status__in=[Family.Status.ACTIVE, Family.Status.CLOSED],
        is_active=True,
    )
    phones = (
        set(existing.filter(phone_digits__in=list(by_phone)).values_list("phone_digits", flat=True))
        if by_phone
        else set()
    )
    emails = (
        {
            e.lower()
            for e in existing.filter(email__in=list(by_email)).values_list("email", flat=True)
        }
        if by_email
        else set()
    )
    for row in rows:
        if phone_digits(row.caregiver.phone) in phones or row.caregiver.email.lower() in emails:
            warnings.setdefault(row.number, []).append(
                _("A family with the same phone or e-mail is already in the program.")
            )
    return warnings


def _search_columns(family: Family, caregiver: Caregiver, child: Child | None) -> None:
    names = [family.name, f"{caregiver.first_name} {caregiver.last_name}"]
    if child is not None:
        names.append(f"{child.first_name} {child.last_name}")
    family.search_text = normalize_text(" | ".join(n for n in names if n.strip()))
    family.search_phones = phone_digits(caregiver.phone)
    family.search_emails = caregiver.email.lower()
    family.sort_name = normalize_text(f"{family.name} {caregiver.first_name}")[:200]
    family.languages = language_search_text([caregiver.preferred_language])


def import_rows(
    *,
    program: Program,
    preview: Preview,
    by: Any,
    request: Any = None,
    import_id: int | None = None,
    progress: Callable[[str, int], None] | None = None,
    batch_size: int = 1000,
) -> int:
    """Write every validated row, or nothing. Returns the number of families created."""
    if not preview.ok:
        raise ValueError("Rows with errors cannot be imported.")
    rows = preview.rows
    with transaction.atomic():
        families = []
        for row in rows:
            row.family.program = program
            row.family.created_by = by if getattr(by, "pk", None) else None
            _search_columns(row.family, row.caregiver, row.child)
            families.append(row.family)
        Family.objects.bulk_create(families, batch_size=batch_size)
        if progress:
            progress("families", len(families))
        caregivers, children = [], []
        for row in rows:
            row.caregiver.family = row.family
            row.caregiver.phone_digits = phone_digits(row.caregiver.phone)
            caregivers.append(row.caregiver)
            if row.child is not None:
                row.child.family = row.family
                children.append(row.child)
        Caregiver.objects.bulk_create(caregivers, batch_size=batch_size)
        Child.objects.bulk_create(children, batch_size=batch_size)
        if progress:
            progress("people", len(caregivers) + len(children))
        through = Child.conditions.through
        links = [
            through(child_id=row.child.pk, condition_id=cid)
            for row in rows
            if row.child is not None
            for cid in dict.fromkeys(row.condition_ids)
        ]
        through.objects.bulk_create(links, batch_size=batch_size)
        now = timezone.now()
        consents = [
            Consent(
                family=row.family,
                scope=Consent.Scope.CONTACT,
                decision=Consent.Decision.GRANTED,
                method=Consent.Method.WRITTEN,
                given_by=row.caregiver,
                recorded_by=by if getattr(by, "pk", None) else None,
                effective_at=now,
                recorded_at=now,
                note=_("Recorded from an imported spreadsheet."),
            )
            for row in rows
            if row.consent_contact
        ]
        Consent.objects.bulk_create(consents, batch_size=batch_size)
        if progress:
            progress("done", len(families))
        record(
            action="families.family.imported",
            request=request,
            actor=by,
            program=program,
            object_type="families.familyimport",
            object_id=import_id or "",
            fields=["caregivers", "children", "consents"],
            detail={
                "families": len(families),
                "first_id": families[0].pk if families else None,
                "last_id": families[-1].pk if families else None,
            },
        )
    return len(families)
