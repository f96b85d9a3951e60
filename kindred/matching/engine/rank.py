"""Ranking one family against the roster: eligible mentors best first, with reasons.

Everything is computed over all mentors at once (NumPy); Reason and Violation objects are built
only for the rows returned (`limit`), so a roster of 10,000 costs a few array operations.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

import kindred.matching.engine.constraints as constraints
import kindred.matching.engine.criteria as criteria
import kindred.matching.engine.reasons as reasons
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


def best_rows(key: np.ndarray, mask: np.ndarray, limit: int | None) -> list[int]:
    """The rows where `mask` holds, by ascending `key`, the first `limit` only (one partition
    over all rows, then a sort of the few kept)."""
    rows = np.flatnonzero(mask)
    if limit is not None and rows.size > limit:
        rows = rows[np.argpartition(key[rows], limit - 1)[:limit]] if limit else rows[:0]
    return rows[np.argsort(key[rows], kind="stable")].tolist()


def eligible_key(matrix: MentorMatrix, score: np.ndarray) -> np.ndarray:
    """Best first: higher score, then lower load, then lower mentor id."""
    return (100 - score.astype(np.int64)) * matrix.load_span + matrix.tie


def excluded_key(matrix: MentorMatrix, score: np.ndarray, missed: np.ndarray) -> np.ndarray:
    """Closest first: fewer constraints missed, then higher score, then lower mentor id."""
    n = max(1, matrix.n)
    return (missed.astype(np.int64) * 101 + (100 - score.astype(np.int64))) * n + matrix.id_rank


def rank(
    family: FamilySide,
    mentors: "Sequence[MentorSide] | MentorMatrix",
    blocks: Blocks,
    *,
    today: date,
    limit: int | None = 20,
    excluded_reasons: bool = False,
) -> Ranking:
    """`limit` rows of each list are built. Excluded mentors carry their violations, and their
    reasons only with `excluded_reasons` (the closest, shown when no one is eligible, always
    have both)."""
    matrix = as_matrix(mentors)
    ev = evaluate(family, matrix, blocks, today=today)
    eligible = best_rows(eligible_key(matrix, ev.score), ev.eligible, limit)
    key = excluded_key(matrix, ev.score, ev.missed)
    excluded = best_rows(key, ~ev.eligible, limit)
    closest: list[int] = []
    if not ev.eligible.any():
        closest = best_rows(key, ev.missed == 1, limit)
    built: dict[int, Ranked] = {}

    def one(row: int, with_reasons: bool = True) -> Ranked:
        if row not in built or (with_reasons and not built[row].reasons):
            built[row] = ev.ranked(row, with_reasons=with_reasons)
        return built[row]

    with reasons.one_language():
        return Ranking(
            family_id=family.family_id,
            eligible=tuple(one(row) for row in eligible),
            excluded=tuple(one(row, excluded_reasons or row in closest) for row in excluded),
            closest=tuple(one(row) for row in closest),
        )
