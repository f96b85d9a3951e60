"""One family's ranked mentors, from the database through the engine."""

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from kindred.families.models import Family
from kindred.matching import engine
from kindred.matching.engine import FamilySide, Ranked, Ranking
from kindred.matching.models import MatchSettings
from kindred.matching.profiles import blocks_for, family_sides
from kindred.matching.roster import roster_matrix
from kindred.mentors.models import Mentor

# The mentor fields the ranked list shows (templates/matching/family.html): the rows are read
# with these only (a mentor's motivation and references are long and never shown there). A
# caller acting on a row's mentor reads it whole (views.offer).
SHOWN_FIELDS = (
    "id",
    "program_id",
    "user_id",
    "full_name",
    "status",
    "max_families",
    "active_family_count",
)


@dataclass
class Row:
    ranked: Ranked
    mentor: Mentor

    @property
    def met(self) -> list[Any]:
        return [r for r in self.ranked.reasons if r.met]

    @property
    def unmet(self) -> list[Any]:
        return [r for r in self.ranked.reasons if r.met is False]


@dataclass
class FamilyRanking:
    family: FamilySide
    ranking: Ranking
    eligible: list[Row]
    excluded: list[Row]
    closest: list[Row]


def rank_family(family: Family, *, limit: int | None = 20, cached: bool = True) -> FamilyRanking:
    """The family against the program's roster (kept per roster version: kindred/matching
    /roster.py; `cached=False` reads it afresh)."""
    settings = MatchSettings.for_program(family.program_id)
    today = timezone.localdate()
    side = family_sides([family], settings, today=today)[0]
    mentors = roster_matrix(family.program_id, settings, today=today, cached=cached)
    ranking = engine.rank(side, mentors, blocks_for([family.pk]), today=today, limit=limit)
    ids = {r.mentor_id for r in (*ranking.eligible, *ranking.excluded, *ranking.closest)}
    by_id = Mentor.objects.only(*SHOWN_FIELDS).in_bulk(ids)

    def rows(items: tuple[Ranked, ...]) -> list[Row]:
        return [Row(r, by_id[r.mentor_id]) for r in items if r.mentor_id in by_id]

    return FamilyRanking(
        family=side,
        ranking=ranking,
        eligible=rows(ranking.eligible),
        excluded=rows(ranking.excluded),
        closest=rows(ranking.closest),
    )


def reasons_snapshot(ranked: Ranked) -> list[dict[str, Any]]:
    return [
        {"criterion": r.criterion, "met": r.met, "text": r.text, "points": round(r.points, 1)}
        for r in ranked.reasons
    ]
