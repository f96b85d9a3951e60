"""Ranking one family against the roster: eligible mentors best first, with reasons.

Everything is computed over all mentors at once (NumPy); Reason and Violation objects are built
only for the rows returned (`limit`), so a roster of 10,000 costs a few array operations.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from kindred.matching.engine import constraints, criteria, reasons
from kindred.matching.engine.matrix import MentorMatrix, as_matrix
from kindred.matching.engine.types import Blocks, FamilySide, MentorSide, Ranked, Ranking


@dataclass
class Evaluation:
    """One family against every mentor of a matrix, before any row is chosen."""

    family: FamilySide
    matrix: MentorMatrix
    scores: criteria.Scores
    masks: dict[str, np.ndarray]  # constraint -> missed per mentor
    blocked: dict[int, str]
    missed: np.ndarray  # how many constraints each mentor misses
    score: np.ndarray  # int 0..100 per mentor

    @property
    def eligible(self) -> np.ndarray:
        return self.missed == 0

    def ranked(self, row: int, *, with_reasons: bool = True) -> Ranked:
        violations = tuple(
            reasons.violation(self.family, self.matrix, self.scores, row, name, self.blocked)
            for name, mask in self.masks.items()
            if mask[row]
        )
        return Ranked(
            mentor_id=int(self.matrix.ids[row]),
            score=int(self.score[row]),
            reasons=(
                reasons.reasons(self.family, self.matrix, self.scores, row) if with_reasons else ()
            ),
            violations=violations,
        )


def evaluate(family: FamilySide, matrix: MentorMatrix, blocks: Blocks, *, today: date):
    scores = criteria.score(family, matrix, today=today)
    blocked = constraints.blocked_rows(family, matrix, blocks)
    masks = constraints.violations(family, matrix, scores, blocked)
    missed = constraints.missed_counts(masks, matrix.n)
    score = np.clip(np.rint(scores.total), 0, 100).astype(np.int32)
    return Evaluation(family, matrix, scores, masks, blocked, missed, score)


def best_rows(rows: np.ndarray, keys: tuple[np.ndarray, ...], limit: int | None) -> list[int]:
    """`rows` sorted by `keys` (most significant first, ascending), the first `limit` only.

    With a limit, only the rows whose first key can still make the cut are sorted."""
    if rows.size == 0:
        return []
    first = keys[0][rows]
    if limit is not None and rows.size > limit:
        cut = np.partition(first, limit - 1)[limit - 1]
        rows = rows[first <= cut]
    order = np.lexsort(tuple(key[rows] for key in reversed(keys)))
    chosen = rows[order]
    return [int(row) for row in (chosen if limit is None else chosen[:limit])]


def rank(
    family: FamilySide,
    mentors: "Sequence[MentorSide] | MentorMatrix",
    blocks: Blocks,
    *,
    today: date,
    limit: int | None = 20,
) -> Ranking:
    matrix = as_matrix(mentors)
    ev = evaluate(family, matrix, blocks, today=today)
    negative = -ev.score
    eligible_rows = np.flatnonzero(ev.eligible)
    eligible = best_rows(eligible_rows, (negative, matrix.active, matrix.ids), limit)
    excluded_rows = np.flatnonzero(~ev.eligible)
    excluded = best_rows(excluded_rows, (ev.missed, negative, matrix.ids), limit)
    closest: list[int] = []
    if eligible_rows.size == 0:
        closest = best_rows(np.flatnonzero(ev.missed == 1), (negative, matrix.ids), limit)
    built: dict[int, Ranked] = {}

    def one(row: int) -> Ranked:
        if row not in built:
            built[row] = ev.ranked(row)
        return built[row]

    return Ranking(
        family_id=family.family_id,
        eligible=tuple(one(row) for row in eligible),
        excluded=tuple(one(row) for row in excluded),
        closest=tuple(one(row) for row in closest),
    )
