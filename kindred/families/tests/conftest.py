from datetime import date
from typing import Any

import pytest

from kindred.families.inputs import CaregiverInput, ChildInput, ConsentInput, FamilyInput
from kindred.families.models import Condition, Consent, Family
from kindred.families.services import family_create


def make_family(world: Any, *, program: Any = None, by: Any = None, **overrides: Any) -> Family:
    """A family through the real service; dicts override the typed input's defaults."""
    caregiver = {
        "first_name": "Ana",
        "last_name": "García",
        "relationship": "mother",
        "phone": "(312) 555-0142",
        "email": "ana.garcia@example.test",
        "preferred_language": "es",
    }
    caregiver.update(overrides.pop("caregiver", {}))
    child = {"first_name": "Mateo", "last_name": "García", "date_of_birth": date(2024, 3, 9)}
    child.update(overrides.pop("child", {}))
    consents = overrides.pop(
        "consents", [{"scope": Consent.Scope.CONTACT, "method": Consent.Method.VERBAL}]
    )
    family = FamilyInput(
        caregivers=[CaregiverInput(**c) for c in overrides.pop("caregivers", [caregiver])],
        children=[ChildInput(**c) for c in overrides.pop("children", [child])],
        consents=[ConsentInput(**c) for c in consents],
        **overrides.pop("family", {}),
    )
    return family_create(
        program=program or world.program_a, family=family, by=by or world.coordinator, **overrides
    )


@pytest.fixture
def family(world: Any) -> Family:
    return make_family(world)


@pytest.fixture
def down_syndrome(db: None) -> Condition:
    return Condition.objects.get(program=None, code="Q90.9")
