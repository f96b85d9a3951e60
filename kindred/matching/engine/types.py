"""The matching engine's inputs and outputs (the interface shared with the Django side).

Plain frozen dataclasses: the engine never touches the ORM. `kindred/matching/profiles.py` builds
`FamilySide` / `MentorSide` from the database; the engine ranks, assigns and measures coverage.
"""

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field


class Level(enum.IntEnum):
    """A criterion's importance: the program's default per criterion, raised or lowered per
    intake (`Intake.criteria`). MUST makes the criterion a hard constraint for that family."""

    IGNORE = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    MUST = 4


CRITERIA: tuple[str, ...] = (
    "language",
    "condition",
    "experience",
    "treatment",
    "care_setting",
    "child_age",
    "distance",
    "gender",
    "culture",
    "family_situation",
    "recency",
    "load",
)


@dataclass(frozen=True)
class FamilySide:
    family_id: int
    program_id: int
    weights: Mapping[str, Level]  # effective per criterion (program default + intake)
    languages: frozenset[str]  # kindred.lib.languages codes the caregivers speak
    language_needed: str | None  # set when the family needs a mentor speaking it
    conditions: frozenset[str]  # condition codes of the children
    condition_categories: frozenset[str]
    experiences: frozenset[str]  # experience codes (NICU stay, tracheostomy, ...)
    treatments: frozenset[str]
    care_settings: frozenset[str]
    child_ages: tuple[int, ...]  # whole years, one per child with needs
    point: tuple[float, float] | None  # (lat, lon) of the family's ZIP centroid
    in_person: bool  # wants in-person support (distance is then hard)
    gender_wanted: str  # "" when none asked
    culture_wanted: str
    situations: frozenset[str]  # family situation codes (single parent, military, ...)
    consent_to_mentor: bool  # consent.may(share with a mentor) today
    # code -> display label in the reader's language, for the reasons ("tracheostomy"); child
    # pronoun hints may be passed as labels["child:<i>"] = "her son".
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)  # kept by the ten thousand (kindred/matching/roster.py)
class MentorSide:
    mentor_id: int
    matchable: bool  # Mentor.objects.matchable(): qualified, not paused
    capacity_left: int  # max_families - active_family_count (>= 0)
    active_count: int
    languages: frozenset[str]
    conditions: frozenset[str]
    condition_categories: frozenset[str]
    experiences: frozenset[str]
    treatments: frozenset[str]
    care_settings: frozenset[str]
    child_ages: tuple[int, ...]  # their own child's age(s) then, whole years
    point: tuple[float, float] | None
    travel_miles: int | None  # how far they will travel for in-person support
    gender: str
    culture: str
    situations: frozenset[str]
    experience_year: int | None  # year of their child's diagnosis or NICU stay
    ready: bool  # the program's readiness rule holds
    excluded_situations: frozenset[str]  # kinds of families they would rather not support
    display_name: str
    # Their own child's age through the experience, (from, to) in whole years (the mentor's
    # profile); a family's child within it is the same age.
    child_age_range: tuple[int, int] | None = None


@dataclass(frozen=True)
class Blocks:
    """Pairs that must never be made: (family_id, mentor_id) -> reason text (declined before,
    a conflict of interest, not a good fit)."""

    pairs: Mapping[tuple[int, int], str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reason:
    """One line of the explanation, in the active language."""

    criterion: str
    met: bool | None  # True matches, False does not, None neutral/unknown
    text: str  # "both speak Spanish", "12 miles away", "no shared experience of a NICU stay"
    points: float  # this criterion's share of the 0-100 score


@dataclass(frozen=True)
class Violation:
    """A hard constraint a mentor misses."""

    # "inactive", "capacity", "must:<criterion>", "language", "distance", "blocked",
    # "readiness", "consent", "mentor_exclusion"
    constraint: str
    text: str


@dataclass(frozen=True)
class Ranked:
    mentor_id: int
    score: int  # 0..100
    reasons: tuple[Reason, ...]
    violations: tuple[Violation, ...]  # empty for eligible mentors


@dataclass(frozen=True)
class Ranking:
    family_id: int
    eligible: tuple[Ranked, ...]  # best first (ties: lower load, then mentor_id)
    excluded: tuple[Ranked, ...]  # each with its violations, closest first
    closest: tuple[Ranked, ...]  # when `eligible` is empty: mentors missing exactly one
    # constraint, best first


@dataclass(frozen=True)
class Assignment:
    pairs: Mapping[int, int]  # family_id -> mentor_id (optimal: most families, then score)
    scores: Mapping[int, int]  # family_id -> score of its pair
    total: int
    greedy_total: int  # one family at a time, longest-waiting first
    unmatched: Mapping[int, str]  # family_id -> why, in plain language
    greedy_matched: int = 0  # how many families greedy matched


@dataclass(frozen=True)
class Gap:
    # e.g. {"language": "es", "experience": "trach", "area": "within 50 miles of 60601"}
    need: Mapping[str, str]
    families: int  # how many families want it
    open_places: int  # open capacity of mentors who have it
    text: str  # "7 families want a Spanish-speaking mentor with tracheostomy experience
    # within 50 miles; 0 open places"

    @property
    def shortfall(self) -> int:
        return self.families - self.open_places
