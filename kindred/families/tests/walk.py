"""The families pages in the permission walk (kindred/core/tests/test_permission_walk.py)."""

from datetime import date
from typing import Any

from kindred.core.testing.walk import SIGNED_IN, Route
from kindred.families.inputs import CaregiverInput, ChildInput, ConsentInput, FamilyInput
from kindred.families.models import Consent, FamilyImport
from kindred.families.services import family_create
from kindred.families.tests.forms_data import family_post

EDITORS = {"coordinator"}
READERS = {"coordinator", "supervisor"}
# Outside the readers, a family is out of reach: 404, its existence not revealed.
NOT_READERS = SIGNED_IN - READERS


def setup(world: Any) -> None:
    family = family_create(
        program=world.program_a,
        family=FamilyInput(
            caregivers=[
                CaregiverInput(
                    first_name="Canaryina",
                    last_name="Walkwood",
                    relationship="mother",
                    phone="312-555-0199",
                    email="canary@example.test",
                    preferred_language="es",
                )
            ],
            children=[
                ChildInput(
                    first_name="Tweety", last_name="Walkwood", date_of_birth=date(2023, 1, 2)
                )
            ],
            consents=[ConsentInput(scope=Consent.Scope.CONTACT)],
        ),
        by=world.coordinator,
    )
    other = family_create(
        program=world.program_a,
        family=FamilyInput(
            caregivers=[
                CaregiverInput(first_name="Dupla", last_name="Walkwood", relationship="father")
            ]
        ),
        by=world.coordinator,
    )
    job = FamilyImport.objects.create(
        program=world.program_a,
        uploaded_by=world.coordinator,
        filename="walk.csv",
        content=b"first name,last name,phone\nCanaryina,Walkwood,3125550199\n",
        mapping={"caregiver_first_name": 0},
        row_count=1,
    )
    world.objects["family"] = family
    world.objects["other_family"] = other
    world.objects["family_import"] = job
    world.objects.setdefault("canaries", []).extend(
        ["Canaryina", "Walkwood", "312-555-0199", "walk.csv"]
    )


def family(world: Any) -> dict[str, Any]:
    return {"pk": world.objects["family"].pk}


ROUTES = [
    # Lists of "the current program": the outsider sees their own program B there.
    Route("families:list", allowed=READERS | {"outsider"}),
    Route("families:list", allowed=READERS | {"outsider"}, query="q=walkwood"),
    Route("families:create", allowed=EDITORS | {"outsider"}),
    Route("families:vocabulary", allowed=EDITORS | {"outsider"}),
    Route("families:import", allowed=EDITORS | {"outsider"}),
    Route("families:export", allowed=EDITORS | {"outsider"}),
    Route("families:export", allowed=EDITORS | {"outsider"}, query="format=xlsx"),
    Route(
        "families:import_review",
        allowed=EDITORS,
        kwargs=lambda w: {"pk": w.objects["family_import"].pk},
        not_found={"outsider"},
    ),
    Route(
        "families:import_progress",
        allowed=EDITORS,
        kwargs=lambda w: {"pk": w.objects["family_import"].pk},
        not_found={"outsider"},
        ok_status=frozenset({200, 302}),
    ),
    Route(
        "families:import_restart",
        allowed=EDITORS,
        kwargs=lambda w: {"pk": w.objects["family_import"].pk},
        method="POST",
        ok_status=frozenset({302}),
        not_found={"outsider"},
    ),
    Route(
        "families:detail",
        allowed=READERS,
        kwargs=family,
        not_found=NOT_READERS,
    ),
    Route(
        "families:edit",
        allowed=EDITORS,
        kwargs=family,
        not_found=NOT_READERS,
    ),
    Route(
        "families:consent",
        allowed=EDITORS,
        kwargs=family,
        not_found=NOT_READERS,
    ),
    Route(
        "families:status",
        allowed=EDITORS,
        kwargs=family,
        not_found=NOT_READERS,
    ),
    Route(
        "families:merge",
        allowed=EDITORS,
        kwargs=family,
        not_found=NOT_READERS,
    ),
    Route(
        "families:status",
        allowed=EDITORS,
        kwargs=family,
        method="POST",
        data=lambda w: {"action": "close", "reason": "Walk"},
        ok_status=frozenset({302}),
        not_found=NOT_READERS,
    ),
    Route(
        "families:consent",
        allowed=EDITORS,
        kwargs=family,
        method="POST",
        data=lambda w: {
            "scope": "contact",
            "decision": "withdrawn",
            "method": "verbal",
            "given_by": w.objects["family"].caregivers.get().pk,
            "effective_at": "2025-01-01T10:00",
        },
        ok_status=frozenset({302}),
        not_found=NOT_READERS,
    ),
    Route(
        "families:merge",
        allowed=EDITORS,
        kwargs=family,
        method="POST",
        data=lambda w: {"other": w.objects["other_family"].pk, "confirm": "on"},
        ok_status=frozenset({302}),
        not_found=NOT_READERS,
    ),
    Route(
        "families:create",
        allowed=EDITORS | {"outsider"},
        method="POST",
        data=lambda w: family_post(
            caregivers=[{"first_name": "Walker", "last_name": "Newfam", "phone": "708-555-0123"}],
            extra={"form_token": "walk-create"},
        ),
        ok_status=frozenset({302}),
    ),
    Route(
        "families:edit",
        allowed=EDITORS,
        kwargs=family,
        method="POST",
        data=lambda w: {"name": "Changed"},  # an incomplete form: answered with its errors
        not_found=NOT_READERS,
    ),
    Route(
        "families:vocabulary",
        allowed=EDITORS | {"outsider"},
        method="POST",
        data=lambda w: {"add_experience": "1", "experience-name": "Walk experience"},
        ok_status=frozenset({302}),
    ),
    Route("families:import", allowed=EDITORS | {"outsider"}, method="POST", data=lambda w: {}),
    Route(
        "families:import_review",
        allowed=EDITORS,
        method="POST",
        kwargs=lambda w: {"pk": w.objects["family_import"].pk},
        data=lambda w: {"action": "check", "map_caregiver_first_name": "0"},
        not_found={"outsider"},
    ),
]
