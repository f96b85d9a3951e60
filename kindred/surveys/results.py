"""What a survey's answers say: response rates, baseline against follow-up per item (paired, by
family), and satisfaction by mentor and by group — shown only where at least `MIN_CELL`
answers exist, so that a mentor or a facilitator cannot pick out one family's answer.

Each function reads its rows in one query and counts in Python: a program has hundreds of
answers a year, not millions.
"""

from collections import defaultdict
from dataclasses import dataclass
from statistics import mean
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kindred.surveys.forms import agree_choices
from kindred.surveys.models import BASELINE, FOLLOW_UP, Answer, Invitation, Item, Occasion, Survey

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
    now = timezone.now()
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    rows = Invitation.objects.filter(survey=survey).values_list(
        "occasion", "answered_at", "declined_at", "expires_at"
    )
    for occasion, answered, declined, expires in rows:
        c = counts[occasion]
        c[0] += 1
        c[1] += answered is not None
        c[2] += declined is not None
        c[3] += answered is None and declined is None and expires <= now
    labels = dict(Occasion.choices)
    return [Rate(o, str(labels[o]), *counts[o]) for o in Occasion.values if o in counts]


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


def paired(survey: Survey) -> list[Pair]:
    """Per agree–disagree item: the families who answered it at baseline and later at a
    follow-up; their baseline (the first) and their latest follow-up answer, averaged."""
    items = [i for i in survey.items.all() if i.kind == Item.Kind.AGREE and not i.follow_up_only]
    rows = (
        Answer.objects.filter(
            response__invitation__survey=survey,
            item__in=items,
            number__isnull=False,
            response__invitation__family__isnull=False,
        )
        .order_by("response__submitted_at", "id")
        .values_list(
            "item_id",
            "response__invitation__family_id",
            "response__invitation__occasion",
            "response__submitted_at",
            "number",
        )
    )
    first: dict[tuple[int, int], tuple[Any, int]] = {}
    latest: dict[tuple[int, int], int] = {}
    for item_id, family_id, occasion, at, number in rows:
        if number is None:
            continue
        key = (item_id, family_id)
        if occasion in BASELINE:
            first.setdefault(key, (at, number))
        elif occasion in FOLLOW_UP and key in first and at > first[key][0]:
            latest[key] = number  # rows come in time order: the last one stays
    result = []
    for item in items:
        keys = [k for k in latest if k[0] == item.pk]
        before = [first[k][1] for k in keys]
        after = [latest[k] for k in keys]
        result.append(
            Pair(
                item=item,
                pairs=len(keys),
                baseline=mean(before) if before else None,
                follow_up=mean(after) if after else None,
                improved=sum(1 for b, a in zip(before, after, strict=True) if a > b),
            )
        )
    return result


@dataclass(frozen=True)
class Cell:
    label: str
    answers: int
    mean: float
    agreeing: int


def _cells(values: dict[str, list[int]]) -> tuple[list[Cell], int]:
    shown = [
        Cell(label, len(v), mean(v), sum(1 for n in v if n >= AGREEING))
        for label, v in sorted(values.items())
        if len(v) >= MIN_CELL
    ]
    return shown, sum(1 for v in values.values() if len(v) < MIN_CELL)


def satisfaction(survey: Survey) -> dict[str, Any]:
    """Satisfaction answers by mentor (through the match) and by group; cells under MIN_CELL
    answers are counted, not shown."""
    rows = Answer.objects.filter(
        response__invitation__survey=survey, item__code=SATISFACTION_CODE, number__isnull=False
    ).values_list(
        "number",
        "response__invitation__match__mentor__full_name",
        "response__invitation__match__mentor_id",
        "response__invitation__group__name",
        "response__invitation__group_id",
    )
    by_mentor: dict[str, list[int]] = defaultdict(list)
    by_group: dict[str, list[int]] = defaultdict(list)
    for number, mentor, mentor_id, group, group_id in rows:
        if number is None:
            continue
        if mentor_id:
            by_mentor[f"{mentor} (#{mentor_id})"].append(number)
        if group_id:
            by_group[f"{group} (#{group_id})"].append(number)
    mentors, mentors_hidden = _cells(by_mentor)
    groups, groups_hidden = _cells(by_group)
    return {
        "mentors": mentors,
        "mentors_hidden": mentors_hidden,
        "groups": groups,
        "groups_hidden": groups_hidden,
        "min_cell": MIN_CELL,
    }


def item_summaries(survey: Survey) -> list[dict[str, Any]]:
    """Per closed item (not free text): how many answered and the spread of the answers."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = (
        Answer.objects.filter(response__invitation__survey=survey)
        .exclude(item__kind=Item.Kind.TEXT)
        .values_list("item_id", "number", "choice")
    )
    for item_id, number, choice in rows:
        counts[item_id][choice or str(number)] += 1
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
