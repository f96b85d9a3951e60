"""The weighted criteria: each scores every mentor 0..1 for one family, as arrays.

A criterion counts for a family when its weight is not IGNORE and the family has something to
compare (a family with no recorded experience is not scored on shared experience). The score is
100 x the weighted mean of the criteria that count, so it stays 0..100 whatever is ignored.
Missing mentor data (no ZIP, no year given) earns half the criterion's points: unknown is
neither a match nor a mismatch, and a mentor is not punished for an optional field.
"""

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from functools import cache, cached_property

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
FAR = 1e6  # stands for a missing child's age: any gap with it is "unknown"

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
    """Families against every mentor of a matrix: arrays of shape (families, mentors); `one(i)`
    gives the family i's view, arrays of shape (mentors,)."""

    weights: np.ndarray  # (families, criteria): the weight of each criterion that counts, else 0
    values: dict[str, np.ndarray]  # criterion -> 0..1
    met: dict[str, np.ndarray]  # criterion -> bool (matches)
    unknown: dict[str, np.ndarray]  # criterion -> bool (the mentor's side is unknown)
    total: np.ndarray  # 0..100 (float)
    miles: np.ndarray  # NaN where unknown
    age_gap: np.ndarray  # years between the closest children (NaN unknown)
    years_ago: np.ndarray  # since the mentor's experience (NaN unknown)

    def one(self, index: int) -> "Scores":
        def row(value):
            if isinstance(value, dict):
                return {key: array[index] for key, array in value.items()}
            return value[index]

        return Scores(**{f.name: row(getattr(self, f.name)) for f in fields(self)})

    @cached_property
    def counted(self) -> dict[str, float]:
        """Criterion -> its weight, for the criteria that count (a one-family view)."""
        return {c: float(w) for c, w in zip(CRITERIA, self.weights, strict=True) if w}

    def counts(self, criterion: str) -> bool:
        return criterion in self.counted

    def points(self, criterion: str, row: int) -> float:
        """This criterion's share of the score of mentor `row` (a one-family view)."""
        weight = self.counted.get(criterion, 0.0)
        if not weight:
            return 0.0
        total = sum(self.counted.values())
        return 100.0 * weight * float(self.values[criterion][row]) / total


def _with_unknown(value: np.ndarray, unknown: np.ndarray) -> np.ndarray:
    return np.where(unknown, UNKNOWN, value)


def _shared(families, matrix: MentorMatrix, attribute: str, sets) -> np.ndarray:
    """(families, mentors): how many of each family's codes each mentor has."""
    codes = matrix.sets[attribute]
    return codes.shared(codes.bits_of(sets))


def score(family: FamilySide, matrix: MentorMatrix, *, today: date) -> Scores:
    return score_many([family], matrix, today=today).one(0)


def _weights(families: Sequence[FamilySide]) -> np.ndarray:
    rows = []
    for x in families:
        row = []
        for c in CRITERIA:
            level = level_of(x, c)
            row.append(LEVEL_WEIGHT[level] if level != Level.IGNORE and applies(x, c) else 0.0)
        rows.append(row)
    return np.array(rows, dtype=float).reshape(len(families), len(CRITERIA))


def _mentor_only(matrix: MentorMatrix, year: int):
    """Recency and load depend on the mentor alone: computed once per matrix (and year)."""
    key = ("mentor_only", year)
    if key not in matrix.cache:
        years_ago = year - matrix.year
        unknown = np.isnan(years_ago)
        recent = np.clip(1.0 - np.maximum(0.0, years_ago - RECENT_FULL) / RECENCY_SPAN, 0, 1)
        places = matrix.active + matrix.capacity_left
        free = np.where(places > 0, matrix.capacity_left / np.maximum(1, places), 0.0)
        matrix.cache[key] = (
            years_ago,
            unknown,
            _with_unknown(recent, unknown),
            years_ago <= RECENT_NEAR,  # NaN compares False
            free,
            free >= 0.5,
        )
    return matrix.cache[key]


def score_many(families: Sequence[FamilySide], matrix: MentorMatrix, *, today: date) -> Scores:
    f, n = len(families), matrix.n
    shape = (f, n)
    nowhere = np.broadcast_to(np.zeros(1, dtype=bool), shape)
    values: dict[str, np.ndarray] = {}
    met: dict[str, np.ndarray] = {}
    unknown: dict[str, np.ndarray] = {}
    weights = _weights(families)
    # Only the criteria that count for one of the families are computed.
    needed = {c for k, c in enumerate(CRITERIA) if weights[:, k].any()}

    if "language" in needed:
        languages = [acceptable_languages(family_languages(x)) for x in families]
        met["language"] = _shared(families, matrix, "languages", languages) > 0
        values["language"] = met["language"].astype(float)

    if "condition" in needed:
        same_code = _shared(families, matrix, "conditions", [x.conditions for x in families]) > 0
        categories = [x.condition_categories for x in families]
        same_category = _shared(families, matrix, "condition_categories", categories) > 0
        values["condition"] = np.where(same_code, 1.0, np.where(same_category, 0.5, 0.0))
        met["condition"] = same_code | same_category

    for criterion, attribute in SETS.items():
        if criterion not in needed:
            continue
        sets = [getattr(x, attribute) for x in families]
        shared = _shared(families, matrix, attribute, sets)
        sizes = np.array([max(1, len(codes)) for codes in sets], dtype=float)
        values[criterion] = shared / sizes[:, None]
        met[criterion] = shared > 0

    age_gap = np.broadcast_to(np.full(1, np.nan), shape)
    if "child_age" in needed:
        width = max([1, *(len(x.child_ages) for x in families)])
        ages = np.full((f, width), FAR)  # padding: farther than any real gap
        for i, x in enumerate(families):
            ages[i, : len(x.child_ages)] = x.child_ages
        gaps = np.abs(ages[:, None, :, None] - matrix.ages_far[None, :, None, :])
        point_gap = gaps.reshape(f, n, -1).min(axis=2)
        # Years outside the mentor's own child's age range (0 within it).
        outside = np.maximum(
            matrix.age_lo[None, :, None] - ages[:, None, :],
            ages[:, None, :] - matrix.age_hi[None, :, None],
        )
        range_gap = np.maximum(outside, 0.0).min(axis=2)
        age_gap = np.minimum(point_gap, range_gap)
        unknown["child_age"] = age_gap >= FAR / 2
        # Met: a child within the mentor's range, or a child of theirs close in age.
        met["child_age"] = (range_gap == 0) | (point_gap <= AGE_NEAR)
        age_gap = np.where(unknown["child_age"], np.nan, age_gap)
        closeness = np.clip(1.0 - age_gap / AGE_SPAN, 0.0, 1.0)
        values["child_age"] = _with_unknown(closeness, unknown["child_age"])

    points = [x.point for x in families]
    miles = (
        matrix.miles_from_many(points)
        if any(p is not None for p in points)
        else np.broadcast_to(np.full(1, np.nan), shape)
    )
    if "distance" in needed:
        unknown["distance"] = np.isnan(miles)
        near = np.clip(1.0 - miles / DISTANCE_SPAN, 0.0, 1.0)
        values["distance"] = _with_unknown(near, unknown["distance"])
        met["distance"] = miles <= DISTANCE_NEAR

    for criterion, vocabulary, codes in (
        ("gender", matrix.genders, matrix.gender),
        ("culture", matrix.cultures, matrix.culture),
    ):
        if criterion not in needed:
            continue
        wanted = np.array(
            [
                vocabulary.get(getattr(x, f"{criterion}_wanted").strip().casefold(), -2)
                for x in families
            ]
        )
        met[criterion] = codes[None, :] == wanted[:, None]
        unknown[criterion] = np.broadcast_to(codes == -1, shape)
        values[criterion] = _with_unknown(met[criterion].astype(float), unknown[criterion])

    years, years_unknown, recent, recent_met, free, free_met = _mentor_only(matrix, today.year)
    years_ago = np.broadcast_to(years, shape)
    unknown["recency"] = np.broadcast_to(years_unknown, shape)
    values["recency"] = np.broadcast_to(recent, shape)
    met["recency"] = np.broadcast_to(recent_met, shape)
    values["load"] = np.broadcast_to(free, shape)
    met["load"] = np.broadcast_to(free_met, shape)

    total = np.zeros(shape)
    for k, criterion in enumerate(CRITERIA):
        if criterion in needed:
            total += weights[:, k, None] * values[criterion]
    sums = weights.sum(axis=1)
    total *= np.where(sums > 0, 100.0 / np.where(sums > 0, sums, 1.0), 0.0)[:, None]
    for criterion in CRITERIA:
        unknown.setdefault(criterion, nowhere)
    return Scores(weights, values, met, unknown, total, miles, age_gap, years_ago)
