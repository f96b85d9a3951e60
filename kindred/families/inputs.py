"""What a caller gives `families.services.family_create`, and how it is told what is wrong.

The input is typed (FamilyInput with its CaregiverInput, ChildInput and ConsentInput rows); the
answer to bad input is one FamilyInputError: a ValidationError whose every message carries the
FieldPath of the part it is about ("caregivers[0].phone"). Forms put each message on their field
(`families.forms.apply_service_errors`); an API can turn `locations()` into FHIR
OperationOutcome issues (`issue.expression`) without knowing any form.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


@dataclass(frozen=True)
class FieldPath:
    """Where in a FamilyInput a message belongs: FieldPath("caregivers", 0, "phone") is the
    first caregiver's phone, FieldPath("name") the family's name, FieldPath("caregivers", 1)
    the second caregiver as a whole, FieldPath() the input as a whole."""

    parts: tuple[str | int, ...] = ()

    def __init__(self, *parts: str | int) -> None:
        object.__setattr__(self, "parts", tuple(parts))

    def __str__(self) -> str:
        """A FHIRPath-like location: "caregivers[0].phone", "name", "" for the whole input."""
        text = ""
        for part in self.parts:
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
        return text


@dataclass(frozen=True, kw_only=True)
class CaregiverInput:
    first_name: str
    last_name: str = ""
    relationship: str = ""
    is_primary: bool = False
    phone: str = ""
    phone_alt: str = ""
    email: str = ""
    preferred_language: str = "en"
    interpreter_needed: bool = False
    preferred_contact_method: str = "phone"
    preferred_contact_time: str = ""
    gender: str = ""
    gender_self_described: str = ""
    race_ethnicity: str = ""
    identity_notes: str = ""


@dataclass(frozen=True, kw_only=True)
class ChildInput:
    first_name: str
    last_name: str = ""
    date_of_birth: date | None = None
    care_settings: str = ""
    is_deceased: bool = False
    # From the program's lists: ids or objects (families.Condition / families.Experience).
    conditions: Sequence[Any] = ()
    experiences: Sequence[Any] = ()


@dataclass(frozen=True, kw_only=True)
class ConsentInput:
    scope: str
    decision: str = "granted"
    method: str = "verbal"
    given_by: int | None = 0  # index into FamilyInput.caregivers; None: not said
    effective_at: datetime | None = None
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class FamilyInput:
    """A new family: the first caregiver is the primary contact unless one says is_primary;
    an empty name becomes the first caregiver's last name (or first name)."""

    caregivers: Sequence[CaregiverInput]
    children: Sequence[ChildInput] = ()
    consents: Sequence[ConsentInput] = ()
    name: str = ""
    address_line1: str = ""
    address_line2: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""
    notes: str = ""


FAMILY_FIELDS = ("name", "address_line1", "address_line2", "city", "state", "zip_code", "notes")


class FamilyInputError(ValidationError):
    """Every problem of a family's input, each at its FieldPath. Still a ValidationError: its
    `error_dict` is keyed by the paths' text, for code that only knows Django's errors."""

    def __init__(self, paths: Mapping[FieldPath, list[ValidationError]]) -> None:
        self.paths = {path: list(errors) for path, errors in paths.items()}
        super().__init__({str(path) or NON_FIELD_ERRORS: e for path, e in self.paths.items()})

    def __str__(self) -> str:
        return "; ".join(f"{path or 'input'}: {message}" for path, message in self.locations())

    def __reduce__(self) -> Any:
        return (FamilyInputError, (self.paths,))

    def locations(self) -> Iterator[tuple[str, str]]:
        """(location, message) for each problem, the location as FieldPath text."""
        for path, errors in self.paths.items():
            for error in errors:
                for message in error.messages:
                    yield str(path), message


class ErrorCollector:
    """Collects a family input's errors at their paths while a service checks every part."""

    def __init__(self) -> None:
        self.paths: dict[FieldPath, list[ValidationError]] = {}

    def add(self, path: FieldPath, error: ValidationError | str) -> None:
        error = error if isinstance(error, ValidationError) else ValidationError(error)
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                inner = path if name == NON_FIELD_ERRORS else FieldPath(*path.parts, name)
                self.paths.setdefault(inner, []).extend(errors)
        else:
            self.paths.setdefault(path, []).extend(error.error_list)

    def raise_if_any(self) -> None:
        if self.paths:
            raise FamilyInputError(self.paths)
