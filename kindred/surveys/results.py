"""What a survey's answers say: response rates, baseline against follow-up per item (paired, by
family), and satisfaction by mentor and by group — shown only where at least `MIN_CELL`
answers exist, so that a mentor or a facilitator cannot pick out one family's answer.

The database counts: each function is one aggregate query (GROUP BY, conditional counts,
averages; the pairs with window functions), so Python only labels the figures.
"""

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kindred.surveys.forms import agree_choices
from kindred.surveys.models import (
    BASELINE,
    FOLLOW_UP,
    Answer,
    Invitation,
    Item,
    Occasion,
    Response,
    Survey,
)

MIN_CELL = 5  # fewer answers than this about one mentor or group are not shown
SATISFACTION_CODE = "satisfied_support"
AGREEING = 4  # "agree" or "strongly agree" on the 1–5 scale


@dataclass(frozen=True)
class Rate:
    occasion: str
    label: str
    asked: int
    answered: int
    declined: int
    expired: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.answered / self.asked) if self.asked else None


def response_rates(survey: Survey) -> list[Rate]:
    unanswered = Q(answered_at__isnull=True, declined_at__isnull=True)
    rows = (
        Invitation.objects.filter(survey=survey)
        .order_by()
        .values("occasion")
        .annotate(
            asked=Count("id"),
            answered=Count("id", filter=Q(answered_at__isnull=False)),
            declined=Count("id", filter=Q(declined_at__isnull=False)),
            expired=Count("id", filter=unanswered & Q(expires_at__lte=timezone.now())),
        )
    )
    counts = {r["occasion"]: r for r in rows}
    labels = dict(Occasion.choices)
    return [
        Rate(
            o,
            str(labels[o]),
            counts[o]["asked"],
            counts[o]["answered"],
            counts[o]["declined"],
            counts[o]["expired"],
        )
        for o in Occasion.values
        if o in counts
    ]


@dataclass(frozen=True)
class Pair:
    item: Item
    pairs: int
    baseline: float | None
    follow_up: float | None
    improved: int

    @property
    def change(self) -> float | None:
        if self.baseline is None or self.follow_up is None:
            return None
        return self.follow_up - self.baseline


# Each family's first baseline and latest follow-up per item (window functions, in PostgreSQL
# and SQLite alike), joined where the follow-up came after the baseline, and counted per item.
PAIRED_SQL = """
WITH numbered AS (
  SELECT a.item_id, i.family_id, a.number, r.submitted_at,
         i.occasion IN ({baseline}) AS is_baseline,
         ROW_NUMBER() OVER (PARTITION BY a.item_id, i.family_id, i.occasion IN ({baseline})
                            ORDER BY r.submitted_at, a.id) AS earliest,
         ROW_NUMBER() OVER (PARTITION BY a.item_id, i.family_id, i.occasion IN ({baseline})
                            ORDER BY r.submitted_at DESC, a.id DESC) AS latest
  FROM {answer} a
  JOIN {response} r ON r.id = a.response_id
  JOIN {invitation} i ON i.id = r.invitation_id
  WHERE i.survey_id = %s AND a.item_id IN ({items}) AND a.number IS NOT NULL
    AND i.family_id IS NOT NULL AND i.occasion IN ({baseline}, {follow_up})
)
SELECT b.item_id, COUNT(*), AVG(b.number), AVG(f.number),
       SUM(CASE WHEN f.number > b.number THEN 1 ELSE 0 END)
FROM numbered b
JOIN numbered f ON f.item_id = b.item_id AND f.family_id = b.family_id
 AND NOT f.is_baseline AND f.latest = 1 AND f.submitted_at > b.submitted_at
WHERE b.is_baseline AND b.earliest = 1
GROUP BY b.item_id
"""


def paired(survey: Survey) -> list[Pair]:
    """Per agree–disagree item: the families who answered it at baseline and later at a
    follow-up; their baseline (the first) and their latest follow-up answer, averaged."""
    items = [i for i in survey.items.all() if i.kind == Item.Kind.AGREE and not i.follow_up_only]
    found: dict[int, tuple[int, Any, Any, int]] = {}
    if items:
        sql = PAIRED_SQL.format(
            answer=Answer._meta.db_table,
            response=Response._meta.db_table,
            invitation=Invitation._meta.db_table,
            items=", ".join(["%s"] * len(items)),
            baseline=", ".join(["%s"] * len(BASELINE)),
            follow_up=", ".join(["%s"] * len(FOLLOW_UP)),
        )
        baseline, follow_up = sorted(BASELINE), sorted(FOLLOW_UP)
        # The placeholders in the order they appear in the statement.
        params: list[Any] = [*baseline, *baseline, *baseline, survey.pk, *[i.pk for i in items]]
        params += [*baseline, *follow_up]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = {row[0]: row[1:] for row in cursor.fetchall()}
    result = []
    for item in items:
        pairs, before, after, improved = found.get(item.pk, (0, None, None, 0))
        result.append(
            Pair(
                item=item,
                pairs=int(pairs),
                baseline=_float(before),
                follow_up=_float(after),
                improved=int(improved or 0),
            )
        )
    return result


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class Cell:
    label: str
    answers: int
    mean: float
    agreeing: int


def _cells(survey: Survey, who: str, name: str) -> tuple[list[Cell], int]:
    """Satisfaction per mentor or group (`who` is the path to its id, `name` to its name):
    counted in one GROUP BY; cells under MIN_CELL answers are counted, not shown."""
    rows = (
        Answer.objects.filter(
            response__invitation__survey=survey,
            item__code=SATISFACTION_CODE,
            number__isnull=False,
            **{f"{who}__isnull": False},
        )
        .order_by()
        .values(who, name)
        .annotate(
            answers=Count("id"),
            average=Avg("number"),
            agreeing=Count("id", filter=Q(number__gte=AGREEING)),
        )
    )
    cells = [
        Cell(f"{r[name]} (#{r[who]})", r["answers"], float(r["average"]), r["agreeing"])
        for r in rows
    ]
    shown = sorted((c for c in cells if c.answers >= MIN_CELL), key=lambda c: c.label)
    return shown, sum(1 for c in cells if c.answers < MIN_CELL)


def satisfaction(survey: Survey) -> dict[str, Any]:
    """Satisfaction answers by mentor (through the match) and by group."""
    mentors, mentors_hidden = _cells(
        survey,
        "response__invitation__match__mentor_id",
        "response__invitation__match__mentor__full_name",
    )
    groups, groups_hidden = _cells(
        survey, "response__invitation__group_id", "response__invitation__group__name"
    )
    return {
        "mentors": mentors,
        "mentors_hidden": mentors_hidden,
        "groups": groups,
        "groups_hidden": groups_hidden,
        "min_cell": MIN_CELL,
    }


def item_summaries(survey: Survey) -> list[dict[str, Any]]:
    """Per closed item (not free text): how many answered and the spread of the answers."""
    counts: dict[int, dict[str, int]] = {}
    rows = (
        Answer.objects.filter(response__invitation__survey=survey)
        .exclude(item__kind=Item.Kind.TEXT)
        .order_by()
        .values("item_id", "number", "choice")
        .annotate(n=Count("id"))
    )
    for row in rows:
        value = row["choice"] or str(row["number"])
        spread = counts.setdefault(row["item_id"], {})
        spread[value] = spread.get(value, 0) + row["n"]
    result = []
    for item in survey.items.all():
        if item.kind == Item.Kind.TEXT:
            continue
        spread = counts.get(item.pk, {})
        labels = _answer_labels(item)
        result.append(
            {
                "item": item,
                "answers": sum(spread.values()),
                "spread": [(labels.get(v, v), n) for v, n in sorted(spread.items(), reverse=True)],
            }
        )
    return result


def _answer_labels(item: Item) -> dict[str, str]:
    if item.kind == Item.Kind.AGREE:
        return dict(agree_choices())
    if item.kind == Item.Kind.YES_NO:
        return {"1": _("Yes"), "0": _("No")}
    return dict(item.choices_for(get_language() or "en"))
