"""The hard constraints: a mentor who misses one is never proposed (issue 10).

`violations(...)` gives, per constraint, a boolean array over the mentors (True = missed), in a
fixed order so that "the one constraint it misses" reads the same everywhere.
"""

from collections.abc import Sequence

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
    """One family's masks (a one-family `scores` view): constraint -> missed per mentor."""
    many = violations_many([family], matrix, scores, [blocked])
    return {name: mask[0] for name, mask in many.items()}


def violations_many(
    families: Sequence[FamilySide],
    matrix: MentorMatrix,
    scores: Scores,
    blocked: Sequence[dict[int, str]],
) -> dict[str, np.ndarray]:
    """Constraint -> (families, mentors) bool, True where the mentor misses it. `scores` may be
    the families' grid or, for one family, its view (broadcast)."""
    f, n = len(families), matrix.n
    shape = (f, n)

    def grid(array):
        array = np.asarray(array)
        return np.broadcast_to(array if array.ndim == 2 else array[None, :], shape)

    out: dict[str, np.ndarray] = {
        "inactive": np.broadcast_to(~matrix.matchable, shape),
        "capacity": np.broadcast_to(matrix.capacity_left <= 0, shape),
        "readiness": np.broadcast_to(~matrix.ready, shape),
        "consent": np.broadcast_to(
            np.array([not x.consent_to_mentor for x in families])[:, None], shape
        ),
    }
    blocked_mask = np.zeros(shape, dtype=bool)
    for i, rows in enumerate(blocked):
        if rows:
            blocked_mask[i, list(rows)] = True
    out["blocked"] = blocked_mask
    excluded = matrix.sets["excluded_situations"]
    out["mentor_exclusion"] = (
        excluded.shared(excluded.bits_of([x.situations for x in families])) > 0
    )
    needed = [
        acceptable_languages(frozenset({x.language_needed})) if x.language_needed else frozenset()
        for x in families
    ]
    has_need = np.array([bool(x.language_needed) for x in families])[:, None]
    spoken = matrix.sets["languages"]
    speaks = spoken.shared(spoken.bits_of(needed)) > 0
    out["language"] = has_need & ~speaks
    in_person = np.array([x.in_person for x in families])[:, None]
    miles = grid(scores.miles)
    within = miles <= matrix.travel_or_none[None, :]  # NaN compares False
    out["distance"] = in_person & ~within
    for criterion in CRITERIA:
        must = np.array(
            [
                level_of(x, criterion) == Level.MUST
                and applies(x, criterion)
                and not (criterion == "language" and x.language_needed)  # the same check
                for x in families
            ]
        )
        if must.any():
            out[f"must:{criterion}"] = must[:, None] & ~grid(scores.met[criterion])
    return out


def missed_counts(masks: dict[str, np.ndarray], shape) -> np.ndarray:
    count = np.zeros(shape, dtype=np.int32)
    for mask in masks.values():
        count += mask
    return count
