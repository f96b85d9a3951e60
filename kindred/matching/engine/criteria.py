"""The weighted criteria: each scores every mentor 0..1 for one family, as arrays.

A criterion counts for a family when its weight is not IGNORE and the family has something to
compare (a family with no recorded experience is not scored on shared experience). The score is
100 x the weighted mean of the criteria that count, so it stays 0..100 whatever is ignored.
Missing mentor data (no ZIP, no year given) earns half the criterion's points: unknown is
neither a match nor a mismatch, and a mentor is not punished for an optional field.
"""

from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np

from kindred.lib.languages import related_codes
from kindred.matching.engine.matrix import MentorMatrix
from kindred.matching.engine.types import CRITERIA, FamilySide, Level

# The weight of each level in the mean; MUST also makes the criterion a hard constraint.
LEVEL_WEIGHT = {
    Level.IGNORE: 0.0,
    Level.LOW: 1.0,
    Level.MEDIUM: 2.0,
    Level.HIGH: 3.0,
    Level.MUST: 3.0,
}
DEFAULT_LEVEL = Level.MEDIUM  # a criterion the weights do not name
UNKNOWN = 0.5  # share of the points when the mentor's side is unknown

AGE_SPAN = 10  # years apart at which the child's-age criterion reaches 0
AGE_NEAR = 3  # years apart still "close" (met)
DISTANCE_SPAN = 100.0  # miles at which the distance criterion reaches 0
DISTANCE_NEAR = 25.0  # miles still "nearby" (met; what a must-have on distance requires)
RECENT_FULL = 2  # an experience this many years ago or fewer earns full points
RECENCY_SPAN = 18  # ... and this many years more brings it to 0
RECENT_NEAR = 5  # years still "recent" (met)


@cache
def acceptable_languages(codes: frozenset[str]) -> frozenset[str]:
    """Every code a mentor may speak to talk with someone speaking one of `codes`."""
    out: set[str] = set()
    for code in codes:
        out |= related_codes(code)
    return frozenset(out)


def family_languages(family: FamilySide) -> frozenset[str]:
    return frozenset({family.language_needed}) if family.language_needed else family.languages


def level_of(family: FamilySide, criterion: str) -> Level:
    return Level(family.weights.get(criterion, DEFAULT_LEVEL))


def applies(family: FamilySide, criterion: str) -> bool:
    """Whether the family has something to compare on this criterion."""
    if criterion == "language":
        return bool(family_languages(family))
    if criterion == "condition":
        return bool(family.conditions or family.condition_categories)
    if criterion in ("experience", "treatment", "care_setting"):
        return bool(getattr(family, SETS[criterion]))
    if criterion == "family_situation":
        return bool(family.situations)
    if criterion == "child_age":
        return bool(family.child_ages)
    if criterion == "distance":
        return family.point is not None
    if criterion == "gender":
        return bool(family.gender_wanted.strip())
    if criterion == "culture":
        return bool(family.culture_wanted.strip())
    return True  # recency, load: about the mentor alone


SETS = {
    "experience": "experiences",
    "treatment": "treatments",
    "care_setting": "care_settings",
    "family_situation": "situations",
}


@dataclass
class Scores:
    """One family against every mentor of a matrix."""

    weights: dict[str, float]  # the criteria that count -> weight
    values: dict[str, np.ndarray]  # criterion -> 0..1 per mentor
    met: dict[str, np.ndarray]  # criterion -> bool per mentor (matches)
    unknown: dict[str, np.ndarray]  # criterion -> bool per mentor (mentor's side unknown)
    total: np.ndarray  # 0..100 (float) per mentor
    miles: np.ndarray  # NaN where unknown
    age_gap: np.ndarray  # years between the closest children (NaN unknown)
    years_ago: np.ndarray  # since the mentor's experience (NaN unknown)

    @property
    def weight_sum(self) -> float:
        return sum(self.weights.values())

    def points(self, criterion: str, row: int) -> float:
        total = self.weight_sum
        if not total or criterion not in self.weights:
            return 0.0
        return 100.0 * self.weights[criterion] * float(self.values[criterion][row]) / total


def _with_unknown(value: np.ndarray, unknown: np.ndarray) -> np.ndarray:
    return np.where(unknown, UNKNOWN, value)


def score(family: FamilySide, matrix: MentorMatrix, *, today: date) -> Scores:
    n = matrix.n
    nowhere = np.zeros(n, dtype=bool)
    values: dict[str, np.ndarray] = {}
    met: dict[str, np.ndarray] = {}
    unknown: dict[str, np.ndarray] = {}

    languages = acceptable_languages(family_languages(family))
    met["language"] = matrix.sets["languages"].any(languages)
    values["language"] = met["language"].astype(float)

    same_code = matrix.sets["conditions"].any(family.conditions)
    same_category = matrix.sets["condition_categories"].any(family.condition_categories)
    values["condition"] = np.where(same_code, 1.0, np.where(same_category, 0.5, 0.0))
    met["condition"] = same_code | same_category

    for criterion, attribute in SETS.items():
        codes = getattr(family, attribute)
        shared = matrix.sets[attribute].count(codes)
        values[criterion] = shared / max(1, len(codes))
        met[criterion] = shared > 0

    if family.child_ages:
        fam = np.asarray(family.child_ages, dtype=float)
        gaps = np.abs(matrix.ages[:, :, None] - fam[None, None, :]).reshape(n, -1)
        unknown["child_age"] = np.isnan(gaps).all(axis=1)
        age_gap = np.where(
            unknown["child_age"], np.nan, np.nanmin(np.where(np.isnan(gaps), np.inf, gaps), axis=1)
        )
    else:
        unknown["child_age"] = nowhere
        age_gap = np.full(n, np.nan)
    closeness = np.clip(1.0 - np.nan_to_num(age_gap, nan=AGE_SPAN) / AGE_SPAN, 0.0, 1.0)
    values["child_age"] = _with_unknown(closeness, unknown["child_age"])
    met["child_age"] = ~unknown["child_age"] & (np.nan_to_num(age_gap, nan=np.inf) <= AGE_NEAR)

    miles = matrix.miles_from(family.point)
    unknown["distance"] = np.isnan(miles)
    near = np.clip(1.0 - np.nan_to_num(miles, nan=DISTANCE_SPAN) / DISTANCE_SPAN, 0.0, 1.0)
    values["distance"] = _with_unknown(near, unknown["distance"])
    met["distance"] = np.nan_to_num(miles, nan=np.inf) <= DISTANCE_NEAR

    for criterion, wanted, vocabulary, codes in (
        ("gender", family.gender_wanted, matrix.genders, matrix.gender),
        ("culture", family.culture_wanted, matrix.cultures, matrix.culture),
    ):
        code = vocabulary.get(wanted.strip().casefold(), -2)
        met[criterion] = codes == code
        unknown[criterion] = codes == -1
        values[criterion] = _with_unknown(met[criterion].astype(float), unknown[criterion])

    years_ago = today.year - matrix.year
    unknown["recency"] = np.isnan(years_ago)
    recent = np.clip(
        1.0 - np.maximum(0.0, np.nan_to_num(years_ago, nan=99) - RECENT_FULL) / RECENCY_SPAN, 0, 1
    )
    values["recency"] = _with_unknown(recent, unknown["recency"])
    met["recency"] = np.nan_to_num(years_ago, nan=np.inf) <= RECENT_NEAR

    places = matrix.active + matrix.capacity_left
    free = np.where(places > 0, matrix.capacity_left / np.maximum(1, places), 0.0)
    values["load"] = free
    met["load"] = free >= 0.5

    weights = {
        c: LEVEL_WEIGHT[level_of(family, c)]
        for c in CRITERIA
        if level_of(family, c) != Level.IGNORE and applies(family, c)
    }
    total_weight = sum(weights.values())
    total = np.zeros(n)
    for criterion, weight in weights.items():
        total += weight * values[criterion]
    if total_weight:
        total *= 100.0 / total_weight
    for criterion in CRITERIA:
        unknown.setdefault(criterion, nowhere)
    return Scores(weights, values, met, unknown, total, miles, age_gap, years_ago)
