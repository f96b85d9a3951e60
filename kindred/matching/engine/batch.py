"""Batch matching: the backlog's assignment, exact, with OR-Tools' min-cost flow (issue 10).

The network: source -> each family (capacity 1) -> each eligible mentor (one arc per pair that
passes every hard constraint) -> sink (capacity = the mentor's places left), plus one arc
source -> sink for the families left unmatched. Its minimum cost is the optimum of:

    first, as many families matched as possible; then, the highest total score.

Each pair's cost is -(BONUS + score) with BONUS = 100 x families + 1, larger than any total of
scores, so one more family matched always outweighs any gain in score: a family is never left
waiting to raise the total. (A consequence: when the optimum matches more families than greedy,
its total score can be lower than greedy's; at equal counts it is never lower. The page shows
both numbers.) Integer costs: the solver's optimum is exact.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

import kindred.matching.engine.constraints as constraints
import kindred.matching.engine.criteria as criteria
from kindred.matching.engine.matrix import MentorMatrix, as_matrix
from kindred.matching.engine.rank import best_rows, eligible_key, evaluate, excluded_key
from kindred.matching.engine.types import Assignment, Blocks, FamilySide, MentorSide


@dataclass
class Pairs:
    """Every eligible (family, mentor) pair of a batch, as parallel arrays."""

    family: np.ndarray  # index into the families
    row: np.ndarray  # mentor row in the matrix
    score: np.ndarray  # 0..100
    capacity: np.ndarray  # places left per mentor row
    preference: list[np.ndarray]  # per family: its eligible rows, best first (greedy's order)
    preference_score: list[np.ndarray]  # ... and their scores
    why_none: dict[int, str]  # family index -> why no mentor is eligible


def bonus(families: int) -> int:
    return 100 * families + 1


def solve(pairs_family, pairs_row, scores, capacity, families: int) -> np.ndarray:
    """The bare solver call: which pairs the optimum uses (bool per pair)."""
    pairs_family = np.asarray(pairs_family, dtype=np.int64)
    pairs_row = np.asarray(pairs_row, dtype=np.int64)
    mentors = len(capacity)
    source, sink = 0, families + mentors + 1
    # Imported here: OR-Tools adds about 17 MiB to a process, and only a batch run needs it
    # (docs/benchmarks.md, "Memory").
    from ortools.graph.python import min_cost_flow

    smcf = min_cost_flow.SimpleMinCostFlow()
    family_nodes = np.arange(1, families + 1, dtype=np.int64)
    mentor_nodes = np.arange(families + 1, families + mentors + 1, dtype=np.int64)
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.full(families, source, dtype=np.int64),
        family_nodes,
        np.ones(families, dtype=np.int64),
        np.zeros(families, dtype=np.int64),
    )
    pair_arcs = smcf.add_arcs_with_capacity_and_unit_cost(
        pairs_family + 1,
        pairs_row + families + 1,
        np.ones(len(pairs_family), dtype=np.int64),
        -(bonus(families) + np.asarray(scores, dtype=np.int64)),
    )
    smcf.add_arcs_with_capacity_and_unit_cost(
        mentor_nodes,
        np.full(mentors, sink, dtype=np.int64),
        np.asarray(capacity, dtype=np.int64),
        np.zeros(mentors, dtype=np.int64),
    )
    smcf.add_arc_with_capacity_and_unit_cost(source, sink, families, 0)
    smcf.set_node_supply(source, families)
    smcf.set_node_supply(sink, -families)
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow did not reach its optimum (status {status})")
    if len(pair_arcs) == 0:
        return np.zeros(0, dtype=bool)
    return smcf.flows(pair_arcs) > 0


CHUNK = 128  # families scored together: (128 x mentors) arrays


def eligible_pairs(
    families: Sequence[FamilySide],
    matrix: MentorMatrix,
    blocks: Blocks,
    *,
    today: date,
    progress: Callable[[float], None] | None = None,
    share: float = 1.0,
) -> Pairs:
    by_family: dict[int, dict[tuple[int, int], str]] = {}
    for pair, reason in blocks.pairs.items():
        by_family.setdefault(pair[0], {})[pair] = reason
    fam_parts, row_parts, score_parts = [], [], []
    preference: list[np.ndarray] = []
    preference_score: list[np.ndarray] = []
    why_none: dict[int, str] = {}
    for start in range(0, len(families), CHUNK):
        chunk = families[start : start + CHUNK]
        scores = criteria.score_many(chunk, matrix, today=today)
        blocked = [
            constraints.blocked_rows(x, matrix, Blocks(by_family.get(x.family_id, {})))
            for x in chunk
        ]
        masks = constraints.violations_many(chunk, matrix, scores, blocked)
        eligible = constraints.missed_counts(masks, (len(chunk), matrix.n)) == 0
        score = np.clip(np.rint(scores.total), 0, 100).astype(np.int32)
        index, row = np.nonzero(eligible)
        fam_parts.append(index + start)
        row_parts.append(row)
        score_parts.append(score[index, row])
        key = np.where(eligible, eligible_key(matrix, score), np.iinfo(np.int64).max)
        order = np.argsort(key, axis=1, kind="stable")
        counts = eligible.sum(axis=1)
        for i, family in enumerate(chunk):
            rows = order[i, : counts[i]]
            preference.append(rows)
            preference_score.append(score[i, rows])
            if not counts[i]:
                ev = evaluate(
                    family, matrix, Blocks(by_family.get(family.family_id, {})), today=today
                )
                why_none[start + i] = _no_eligible(ev)
        if progress:
            progress(share * min(len(families), start + CHUNK) / max(1, len(families)))
    empty = np.zeros(0, dtype=np.int64)
    return Pairs(
        family=np.concatenate(fam_parts).astype(np.int64) if fam_parts else empty,
        row=np.concatenate(row_parts).astype(np.int64) if row_parts else empty,
        score=np.concatenate(score_parts) if score_parts else empty,
        capacity=matrix.capacity_left.astype(np.int64),
        preference=preference,
        preference_score=preference_score,
        why_none=why_none,
    )


def _no_eligible(ev) -> str:
    closest = best_rows(excluded_key(ev.matrix, ev.score, ev.missed), ev.missed == 1, 1)
    if not closest:
        return _("No mentor meets every requirement, and none misses only one.")
    ranked = ev.ranked(closest[0], with_reasons=False)
    return _("No mentor meets every requirement; the closest, %(mentor)s, misses one: %(why)s") % {
        "mentor": ev.matrix.mentors[closest[0]].display_name,
        "why": ranked.violations[0].text,
    }


def greedy(pairs: Pairs, families: int) -> dict[int, tuple[int, int]]:
    """One family at a time in the given order (longest-waiting first), each taking its best
    eligible mentor with a place left: family index -> (row, score)."""
    left = pairs.capacity.copy()
    taken: dict[int, tuple[int, int]] = {}
    for index in range(families):
        rows = pairs.preference[index]
        if rows.size == 0:
            continue
        open_ = np.flatnonzero(left[rows] > 0)
        if open_.size:
            first = int(open_[0])
            row = int(rows[first])
            left[row] -= 1
            taken[index] = (row, int(pairs.preference_score[index][first]))
    return taken


def assign(
    families: Sequence[FamilySide],
    mentors: "Sequence[MentorSide] | MentorMatrix",
    blocks: Blocks,
    *,
    today: date,
    progress: Callable[[float], None] | None = None,
) -> Assignment:
    """The optimal assignment of `families` (given longest-waiting first, the order greedy
    follows) to `mentors` under every hard constraint and every mentor's places left."""
    matrix = as_matrix(mentors)
    if progress:
        progress(0.0)
    pairs = eligible_pairs(families, matrix, blocks, today=today, progress=progress, share=0.6)
    used = solve(pairs.family, pairs.row, pairs.score, pairs.capacity, len(families))
    if progress:
        progress(0.9)
    chosen_family = pairs.family[used]
    chosen_row = pairs.row[used]
    chosen_score = pairs.score[used]
    result: dict[int, int] = {}
    scores: dict[int, int] = {}
    for index, row, value in zip(chosen_family, chosen_row, chosen_score, strict=True):
        family_id = families[int(index)].family_id
        result[family_id] = int(matrix.ids[row])
        scores[family_id] = int(value)
    taken = greedy(pairs, len(families))
    unmatched: dict[int, str] = {}
    for index, family in enumerate(families):
        if family.family_id in result:
            continue
        if index in pairs.why_none:
            unmatched[family.family_id] = pairs.why_none[index]
        else:
            count = len(pairs.preference[index])
            unmatched[family.family_id] = ngettext(
                "Its one eligible mentor's places all went to other families.",
                "The places of all %(count)d eligible mentors went to other families.",
                count,
            ) % {"count": count}
    if progress:
        progress(1.0)
    return Assignment(
        pairs=result,
        scores=scores,
        total=sum(scores.values()),
        greedy_total=sum(score for _row, score in taken.values()),
        unmatched=unmatched,
        greedy_matched=len(taken),
    )
