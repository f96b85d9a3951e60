"""Families and mentors for the engine's tests: every field has a neutral default."""

from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

from django.conf import settings
from django.test import override_settings
from django.utils import translation

from kindred.matching.engine.types import CRITERIA, FamilySide, Level, MentorSide

TODAY = date(2026, 6, 1)
CHICAGO = (41.8853, -87.6216)  # 60601
EVANSTON = (42.0451, -87.6877)  # 60201, about 12 miles north
SPRINGFIELD = (39.7817, -89.6501)  # 62701, about 180 miles

LABELS = {
    "nicu": "a NICU stay",
    "trach": "a tracheostomy",
    "chd": "congenital heart disease",
    "heart": "heart conditions",
    "hlhs": "hypoplastic left heart syndrome",
    "single_parent": "single parent",
    "military": "military family",
    "home_nursing": "home nursing",
    "ventilator": "a ventilator",
    "picu": "intensive care",
}


def family(**changes) -> FamilySide:
    weights = dict.fromkeys(CRITERIA, Level.MEDIUM)
    weights.update(changes.pop("weights", {}))
    base = FamilySide(
        family_id=1,
        program_id=1,
        weights=weights,
        languages=frozenset({"en"}),
        language_needed=None,
        conditions=frozenset(),
        condition_categories=frozenset(),
        experiences=frozenset(),
        treatments=frozenset(),
        care_settings=frozenset(),
        child_ages=(),
        point=None,
        in_person=False,
        gender_wanted="",
        culture_wanted="",
        situations=frozenset(),
        consent_to_mentor=True,
        labels=LABELS,
    )
    return replace(base, **changes)


def mentor(mentor_id: int = 1, **changes) -> MentorSide:
    base = MentorSide(
        mentor_id=mentor_id,
        matchable=True,
        capacity_left=2,
        active_count=0,
        languages=frozenset({"en"}),
        conditions=frozenset(),
        condition_categories=frozenset(),
        experiences=frozenset(),
        treatments=frozenset(),
        care_settings=frozenset(),
        child_ages=(),
        point=None,
        travel_miles=None,
        gender="",
        culture="",
        situations=frozenset(),
        experience_year=None,
        ready=True,
        excluded_situations=frozenset(),
        display_name=f"Mentor {mentor_id}",
    )
    return replace(base, **changes)


def only(*criteria: str, level: Level = Level.MEDIUM) -> dict[str, Level]:
    """Weights that ignore every criterion but these."""
    return {c: (level if c in criteria else Level.IGNORE) for c in CRITERIA}


MATCHING_LOCALE = Path(__file__).resolve().parent.parent / "locale"


@contextmanager
def spanish():
    """Spanish, with the matching catalogue found even before the app is installed."""
    paths = [*settings.LOCALE_PATHS]
    if MATCHING_LOCALE not in paths:
        paths.append(MATCHING_LOCALE)
    with override_settings(LOCALE_PATHS=paths), translation.override("es"):
        yield


def texts(ranked) -> dict[str, str]:
    return {r.criterion: r.text for r in ranked.reasons}
