"""Encounters through the real service, and the form's POST data."""

from typing import Any

from django.utils import timezone

from kindred.encounters.models import Encounter, Theme
from kindred.encounters.services import EncounterInput, encounter_create

THEMES = ["care-coordination", "worry-stress", "self-care"]


def themes(program: Any, slugs: list[str] = THEMES) -> list[Theme]:
    return list(Theme.objects.filter(program=program, slug__in=slugs))


def form_data(world: Any, **over: Any) -> dict[str, Any]:
    family = world.objects["family"]
    data: dict[str, Any] = {
        "families": [family.pk],
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "25",
        "setting": "inpatient",
        "mode": "in_person",
        "initiated_by": "mentor",
        "support_types": ["emotional", "tangible"],
        "themes": [t.pk for t in themes(world.program_a)],
        "caregivers": [c.pk for c in family.caregivers.all()],
        "notes": "Mother worried about discharge; private note canary-note-77.",
        "follow_up": "Call after the cardiology visit",
        "follow_up_due": timezone.localdate().isoformat(),
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def logged(world: Any, *, by: Any = None, **over: Any) -> Encounter:
    fields: dict[str, Any] = {
        "occurred_at": timezone.now(),
        "duration_minutes": 30,
        "setting": "outpatient",
        "mode": "phone",
        "initiated_by": "family",
        "families": [world.objects["family"]],
        "mentors": [world.objects["ana"]],
        "support_types": ["emotional"],
        "themes": themes(world.program_a, ["worry-stress"]),
        "notes": "canary-note-77",
    }
    fields.update(over)
    return encounter_create(
        program=world.program_a, data=EncounterInput(**fields), by=by or world.mentor
    )
