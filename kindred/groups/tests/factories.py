"""Groups and families for the tests, built through the real services."""

from datetime import date, time
from typing import Any

from kindred.families.inputs import CaregiverInput, ConsentInput, FamilyInput
from kindred.families.models import Consent, Family
from kindred.families.services import family_create
from kindred.groups.models import SupportGroup
from kindred.groups.schedule import clean_rule

_count = [0]


def make_family(
    program: Any,
    by: Any,
    name: str = "",
    *,
    email: str = "",
    language: str = "en",
    consent: bool = True,
) -> Family:
    _count[0] += 1
    n = _count[0]
    consents = (
        [
            ConsentInput(scope=Consent.Scope.CONTACT, method="verbal"),
            ConsentInput(scope=Consent.Scope.GROUPS, method="verbal"),
        ]
        if consent
        else []
    )
    return family_create(
        program=program,
        family=FamilyInput(
            name=name or f"Family {n}",
            caregivers=[
                CaregiverInput(
                    first_name=f"Parent{n}",
                    last_name=name or f"F{n}",
                    relationship="mother",
                    phone=f"(312) 555-{1000 + n:04d}",
                    email=email or f"parent{n}@example.test",
                    preferred_language=language,
                )
            ],
            consents=consents,
        ),
        by=by,
    )


def make_group(program: Any, by: Any = None, **overrides: Any) -> SupportGroup:
    values: dict[str, Any] = {
        "name": "Heart parents",
        "name_es": "Padres de corazón",
        "description": "Parents of children with heart conditions.",
        "first_date": date(2026, 1, 13),  # the second Tuesday of January 2026
        "start_time": time(18, 0),
        "rrule": "FREQ=MONTHLY;BYDAY=2TU",
        "capacity": 2,
        "place": "Riverbend Children's, room 4B",
        "status": SupportGroup.Status.PUBLISHED,
        "language": "en",
    }
    values.update(overrides)
    values["rrule"] = clean_rule(values["rrule"], first_date=values["first_date"])
    return SupportGroup.objects.create(program=program, created_by=by, **values)
