"""Batch matching and roster coverage, from the database through the engine (issue 10).

`compute_batch(run_id)` is the background task's body: the waiting families without an open
proposal or offer, longest waiting first (the order greedy follows), against the program's
roster; `approve_pairs` turns the pairs a coordinator kept into approved offers through the
match services, each pair re-checked against today's hard constraints. `coverage_gaps` feeds
the coverage page.
"""

import logging
from dataclasses import replace
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.families.models import Family
from kindred.matching import engine, services
from kindred.matching.engine import Gap
from kindred.matching.models import Match, MatchSettings
from kindred.matching.models_batch import BatchRun
from kindred.matching.profiles import blocks_for, family_sides
from kindred.matching.ranking import reasons_snapshot
from kindred.matching.roster import roster_matrix
from kindred.matching.waiting import waiting_families
from kindred.mentors.models import Mentor

logger = logging.getLogger(__name__)
PROGRESS_STEP = 0.05  # the run's row is written at most every 5 %


def batch_families(program: Any) -> list[Family]:
    """The waiting families with no open proposal or offer, longest waiting first."""
    rows = [row for row in waiting_families(program) if row.open_match is None]
    rows.sort(key=lambda row: (row.since, row.family.pk))
    return [row.family for row in rows]


def compute_batch(run_id: int) -> None:
    run = BatchRun.objects.select_related("program").get(pk=run_id)
    if run.finished_at is not None:
        return  # already computed (a task delivered twice)
    run.started_at = timezone.now()
    run.save(update_fields=["started_at"])
    try:
        program = run.program
        settings = MatchSettings.for_program(program)
        today = timezone.localdate()
        families = batch_families(program)
        sides = family_sides(families, settings, today=today)
        order = {family.pk: index for index, family in enumerate(families)}
        sides.sort(key=lambda side: order[side.family_id])
        mentors = roster_matrix(program, settings, today=today)
        written = [0.0]

        def progress(value: float) -> None:
            if value - written[0] >= PROGRESS_STEP or value >= 1.0:
                written[0] = value
                BatchRun.objects.filter(pk=run.pk).update(progress=min(1.0, max(0.0, value)))

        result = engine.assign(
            sides, mentors, blocks_for(list(order)), today=today, progress=progress
        )
        run.families = len(sides)
        run.pairs = [
            {"family": family_id, "mentor": mentor_id, "score": result.scores[family_id]}
            for family_id, mentor_id in sorted(
                result.pairs.items(), key=lambda item: order[item[0]]
            )
        ]
        run.unmatched = [
            {"family": family_id, "why": why}
            for family_id, why in sorted(result.unmatched.items(), key=lambda i: order[i[0]])
        ]
        run.total, run.greedy_total = result.total, result.greedy_total
        run.greedy_matched = result.greedy_matched
        run.progress = 1.0
    except Exception as error:
        logger.exception("batch matching run %s failed", run_id)
        run.error = f"{type(error).__name__}: {error}"[:2000]
    run.finished_at = timezone.now()
    run.save()


def approve_pairs(
    *, run: BatchRun, kept: set[tuple[int, int]], by: Any, request: Any = None
) -> tuple[list[Match], list[str]]:
    """Propose, approve and offer each kept pair of the run. A pair no longer possible (the
    mentor's last place went meanwhile, a block was recorded, consent withdrawn) is skipped and
    said why; the others go through, each in its own transaction."""
    proposed = {(p["family"], p["mentor"]): p["score"] for p in run.pairs}
    chosen = [pair for pair in proposed if pair in kept]
    families = Family.objects.in_bulk([f for f, _m in chosen])
    mentors = Mentor.objects.in_bulk([m for _f, m in chosen])
    settings = MatchSettings.for_program(run.program)
    today = timezone.localdate()
    sides = {s.family_id: s for s in family_sides(list(families.values()), settings, today=today)}
    matrix = roster_matrix(run.program, settings, today=today)
    blocks = blocks_for(list(families))
    made: list[Match] = []
    problems: list[str] = []
    outcome: dict[tuple[int, int], str] = {}  # pair -> "offered" or why it was skipped
    for family_id, mentor_id in chosen:
        family, mentor = families.get(family_id), mentors.get(mentor_id)
        if family is None or mentor is None or family.program_id != run.program_id:
            continue
        match, problem = _approve_one(
            family, mentor, sides.get(family_id), matrix, blocks, today, by, request
        )
        if match is not None:
            made.append(match)
        else:
            problems.append(problem)
        outcome[(family_id, mentor_id)] = "offered" if match is not None else problem
    run.pairs = [
        {**p, "outcome": outcome.get((p["family"], p["mentor"]), "unticked")} for p in run.pairs
    ]
    run.approved_at, run.approved_by = timezone.now(), by
    run.save(update_fields=["pairs", "approved_at", "approved_by"])
    return made, problems


def _approve_one(family, mentor, side, matrix, blocks, today, by, request):
    """Propose, approve and offer one pair: (the match, "") or (None, why not)."""
    label = f"{family.name} – {mentor.full_name}"
    row = matrix.row_of.get(mentor.pk)
    if side is None or row is None:
        return None, _("%(pair)s: no longer possible.") % {"pair": label}
    from kindred.matching.engine.rank import evaluate

    ranked = evaluate(side, matrix, blocks, today=today).ranked(int(row))
    if ranked.violations:
        return None, _("%(pair)s: no longer possible: %(why)s") % {
            "pair": label,
            "why": ranked.violations[0].text,
        }
    try:
        with transaction.atomic():
            match = services.propose(
                family=family,
                mentor=mentor,
                by=by,
                score=ranked.score,
                reasons=reasons_snapshot(ranked),
                request=request,
            )
            services.approve_and_offer(match=match, by=by, request=request)
    except ValidationError as error:  # TransitionError is one
        return None, _("%(pair)s: %(why)s") % {"pair": label, "why": " ".join(error.messages)}
    return match, ""


def coverage_families(program: Any) -> list[Family]:
    """The waiting families and those whose match started in the last 12 months."""
    waiting = [row.family for row in waiting_families(program)]
    since = timezone.now() - timedelta(days=365)
    started = Family.objects.filter(
        pk__in=Match.objects.filter(program=program, started_at__gte=since).values("family_id")
    )
    seen = {family.pk for family in waiting}
    return waiting + [family for family in started if family.pk not in seen]


def coverage_gaps(program: Any) -> tuple[list[Gap], int]:
    settings = MatchSettings.for_program(program)
    today = timezone.localdate()
    families = coverage_families(program)
    zips = {family.pk: family.zip_code for family in families}
    sides = [
        replace(side, labels={**side.labels, "zip": zips.get(side.family_id) or ""})
        if zips.get(side.family_id)
        else side
        for side in family_sides(families, settings, today=today)
    ]
    return engine.coverage(sides, roster_matrix(program, settings, today=today)), len(sides)
