"""The hard constraints: a mentor who misses one is never proposed (issue 10).

`violations(...)` gives, per constraint, a boolean array over the mentors (True = missed), in a
fixed order so that "the one constraint it misses" reads the same everywhere.
"""

import numpy as np

from kindred.matching.engine.criteria import (
    Scores,
    acceptable_languages,
    applies,
    level_of,
)
from kindred.matching.engine.matrix import MentorMatrix
from kindred.matching.engine.types import CRITERIA, Blocks, FamilySide, Level

# Order: what the mentor cannot change first, the family's own wishes last.
CONSTRAINTS = (
    "inactive",
    "capacity",
    "readiness",
    "consent",
    "blocked",
    "mentor_exclusion",
    "language",
    "distance",
)


def blocked_rows(family: FamilySide, matrix: MentorMatrix, blocks: Blocks) -> dict[int, str]:
    """Row -> the recorded reason, for the pairs with this family that must not be made."""
    rows = {}
    for (family_id, mentor_id), reason in blocks.pairs.items():
        if family_id == family.family_id and mentor_id in matrix.row_of:
            rows[matrix.row_of[mentor_id]] = reason
    return rows


def violations(
    family: FamilySide,
    matrix: MentorMatrix,
    scores: Scores,
    blocked: dict[int, str],
) -> dict[str, np.ndarray]:
    n = matrix.n
    out: dict[str, np.ndarray] = {
        "inactive": ~matrix.matchable,
        "capacity": matrix.capacity_left <= 0,
        "readiness": ~matrix.ready,
        "consent": np.full(n, not family.consent_to_mentor),
    }
    blocked_mask = np.zeros(n, dtype=bool)
    if blocked:
        blocked_mask[list(blocked)] = True
    out["blocked"] = blocked_mask
    out["mentor_exclusion"] = matrix.sets["excluded_situations"].any(family.situations)
    if family.language_needed:
        needed = acceptable_languages(frozenset({family.language_needed}))
        out["language"] = ~matrix.sets["languages"].any(needed)
    else:
        out["language"] = np.zeros(n, dtype=bool)
    if family.in_person:
        within = np.nan_to_num(scores.miles, nan=np.inf) <= np.nan_to_num(matrix.travel, nan=-1)
        out["distance"] = ~within
    else:
        out["distance"] = np.zeros(n, dtype=bool)
    for criterion in CRITERIA:
        if level_of(family, criterion) != Level.MUST or not applies(family, criterion):
            continue
        if criterion == "language" and family.language_needed:
            continue  # the same check as the "language" constraint
        out[f"must:{criterion}"] = ~scores.met[criterion]
    return out


def missed_counts(masks: dict[str, np.ndarray], n: int) -> np.ndarray:
    count = np.zeros(n, dtype=np.int32)
    for mask in masks.values():
        count += mask
    return count
