"""Roster coverage: the needs the current roster cannot meet well (issue 10's recruiting guide).

For every need the families actually have — one attribute (a language they need, a condition,
an experience, an area for in-person support) and the combinations they have together (language
+ experience + area) — demand is how many of the given families have it, and supply the open
places of the mentors who have all of it (matchable, ready, places left). A need whose demand
exceeds its supply is a gap; gaps come sorted by shortfall. The caller chooses the families
(issue 10: the waiting ones and those who started in the last 12 months).
"""

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kindred.matching.engine.criteria import acceptable_languages
from kindred.matching.engine.matrix import MentorMatrix, as_matrix
from kindred.matching.engine.reasons import in_sentence
from kindred.matching.engine.types import FamilySide, Gap, MentorSide

ORDER = ("language", "condition", "experience", "area")


def _area(family: FamilySide) -> str | None:
    """An in-person family's area: its ZIP (labels["zip"]) or its point."""
    if not family.in_person or family.point is None:
        return None
    return family.labels.get("zip") or "{:.2f},{:.2f}".format(*family.point)


def needs_of(family: FamilySide) -> set[tuple[tuple[str, str], ...]]:
    """The needs of one family: each attribute alone and the combinations it has."""
    language = family.language_needed
    area = _area(family)
    singles: list[tuple[str, str]] = []
    if language:
        singles.append(("language", language))
    singles += [("condition", code) for code in sorted(family.conditions)]
    singles += [("experience", code) for code in sorted(family.experiences)]
    if area:
        singles.append(("area", area))
    out: set[tuple[tuple[str, str], ...]] = {(single,) for single in singles}
    # The combinations: language and area with each condition or experience, as the family has.
    context: list[tuple[str, str]] = [
        (name, value) for name, value in (("language", language), ("area", area)) if value
    ]
    if len(context) == 2:
        out.add(tuple(context))
    for topic in [s for s in singles if s[0] in ("condition", "experience")]:
        if context:
            combo = [*context, topic]
            out.add(tuple(sorted(combo, key=lambda pair: ORDER.index(pair[0]))))
            for pair in context if len(context) == 2 else ():
                out.add(tuple(sorted([pair, topic], key=lambda p: ORDER.index(p[0]))))
    return out


def _has(matrix: MentorMatrix, kind: str, value: str, reach: dict[str, np.ndarray]) -> np.ndarray:
    if kind == "language":
        return matrix.sets["languages"].any(acceptable_languages(frozenset({value})))
    if kind == "condition":
        return matrix.sets["conditions"].any([value])
    if kind == "experience":
        return matrix.sets["experiences"].any([value])
    return reach[value]


def coverage(
    families: Sequence[FamilySide], mentors: "Sequence[MentorSide] | MentorMatrix"
) -> list[Gap]:
    matrix = as_matrix(mentors)
    open_places = np.where(matrix.matchable & matrix.ready, matrix.capacity_left, 0)
    demand: dict[tuple[tuple[str, str], ...], int] = defaultdict(int)
    labels: dict[str, str] = {}
    reach: dict[str, np.ndarray] = {}
    for family in families:
        labels.update(family.labels)
        area = _area(family)
        if area and area not in reach:
            miles = matrix.miles_from(family.point)
            reach[area] = np.nan_to_num(miles, nan=np.inf) <= np.nan_to_num(matrix.travel, nan=-1)
        for need in needs_of(family):
            demand[need] += 1
    gaps = []
    for need, count in demand.items():
        has = np.ones(matrix.n, dtype=bool)
        for kind, value in need:
            has &= _has(matrix, kind, value, reach)
        supply = int(open_places[has].sum())
        if count > supply:
            gaps.append(
                Gap(
                    need=dict(need),
                    families=count,
                    open_places=supply,
                    text=gap_text(dict(need), count, supply, labels),
                )
            )
    gaps.sort(key=lambda g: (-(g.families - g.open_places), -g.families, len(g.need), g.text))
    return gaps


def gap_text(need: dict[str, str], families: int, places: int, labels: dict[str, str]) -> str:
    parts = []
    if "language" in need:
        parts.append(_("who speaks %(language)s") % {"language": in_sentence(need["language"])})
    if "condition" in need:
        parts.append(
            _("whose child has %(condition)s")
            % {"condition": labels.get(need["condition"], need["condition"])}
        )
    if "experience" in need:
        parts.append(
            _("with experience of %(experience)s")
            % {"experience": labels.get(need["experience"], need["experience"])}
        )
    if "area" in need:
        parts.append(_("who can meet in person near %(area)s") % {"area": need["area"]})
    wanted = ngettext(
        "%(count)d family wants a mentor %(need)s",
        "%(count)d families want a mentor %(need)s",
        families,
    ) % {"count": families, "need": ", ".join(parts)}
    open_text = ngettext("%(count)d open place", "%(count)d open places", places) % {
        "count": places
    }
    return f"{wanted}; {open_text}"
