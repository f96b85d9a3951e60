"""The program report's numbers for one period, in a fixed number of aggregate queries whatever
the number of encounters (bench/bench_evaluation.py compares it with hand-written SQL).

Encounters count when not entered in error (`Encounter.objects.counted()`) and when they
happened in the half-open period [start, end). A family, child, caregiver or mentor is *reached*
in a period when they took part in a counted encounter in it. The referral funnel is the
referrals dashboard's (`referrals.dashboard.numbers`), volunteer hours the mentors app's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from kindred.encounters.models import (
    Encounter,
    EncounterFamily,
    EncounterMentor,
    EncounterSupport,
    Mode,
    Setting,
    SupportType,
    Theme,
)
from kindred.evaluation.report_groups import group_numbers
from kindred.families.models import Caregiver, Child, Family
from kindred.lib import safe_harbor
from kindred.lib.measures import period_bounds
from kindred.matching.models import Match
from kindred.mentors import hours
from kindred.referrals import dashboard
from kindred.referrals.models import Referral


@dataclass
class Breakdown:
    """Counts by category; `partition` when each encounter (or family) is in exactly one, so
    that suppressing one small cell also needs a second (its value would follow from the total)."""

    title: str
    rows: list[tuple[str, str, int]]  # (key, label, count)
    base: int  # what % is of (encounters or families)
    partition: bool = False
    subrows: frozenset[str] = frozenset()  # keys of rows that are a sub-theme of the row above


@dataclass
class Report:
    start: date
    end: date  # the day after the last day
    totals: dict[str, int] = field(default_factory=dict)
    support_minutes: int = 0
    breakdowns: dict[str, Breakdown] = field(default_factory=dict)
    referrals: dict[str, Any] = field(default_factory=dict)
    matches: dict[str, Any] = field(default_factory=dict)
    volunteer: dict[str, Any] = field(default_factory=dict)
    groups: dict[str, int] = field(default_factory=dict)  # report_groups.group_numbers

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def support_hours(self) -> float:
        return self.support_minutes / 60

    def per(self, what: str, of: str) -> float | None:
        base = self.totals.get(of, 0)
        return self.totals.get(what, 0) / base if base else None


def encounters_in(program: Any, start: date, end: date) -> Any:
    lo, hi = period_bounds(start, end)
    return Encounter.objects.counted().filter(
        program=program, occurred_at__gte=lo, occurred_at__lt=hi
    )


def build(program: Any, start: date, end: date, *, language: str = "en") -> Report:
    report = Report(start=start, end=end)
    encounters = encounters_in(program, start, end)
    ids = encounters.values("id")

    # One scan: the count, the minutes, and the count by setting and by mode.
    agg = encounters.aggregate(
        n=Count("id"),
        minutes=Sum("duration_minutes"),
        **{f"setting_{v}": Count("id", filter=Q(setting=v)) for v in Setting.values},
        **{f"mode_{v}": Count("id", filter=Q(mode=v)) for v in Mode.values},
    )
    n = agg["n"]
    report.support_minutes = agg["minutes"] or 0
    family_ids = EncounterFamily.objects.filter(encounter_id__in=ids).values("family_id")
    report.totals = {
        "encounters": n,
        "families": EncounterFamily.objects.filter(encounter_id__in=ids)
        .values("family_id")
        .distinct()
        .count(),
        "mentors": EncounterMentor.objects.filter(encounter_id__in=ids)
        .values("mentor_id")
        .distinct()
        .count(),
        "children": Encounter.children.through.objects.filter(encounter_id__in=ids)
        .values("child_id")
        .distinct()
        .count(),
        "caregivers": Encounter.caregivers.through.objects.filter(encounter_id__in=ids)
        .values("caregiver_id")
        .distinct()
        .count(),
    }
    families = report.totals["families"]
    b = report.breakdowns
    b["setting"] = Breakdown(
        "setting",
        [(v, str(label), agg[f"setting_{v}"]) for v, label in Setting.choices],
        n,
        partition=True,
    )
    b["mode"] = Breakdown(
        "mode", [(v, str(label), agg[f"mode_{v}"]) for v, label in Mode.choices], n, partition=True
    )
    supports = dict(
        EncounterSupport.objects.filter(encounter_id__in=ids)
        .order_by()
        .values("support_type")
        .annotate(c=Count("id"))
        .values_list("support_type", "c")
    )
    b["support"] = Breakdown(
        "support", [(v, str(label), supports.get(v, 0)) for v, label in SupportType.choices], n
    )
    b["themes"] = _themes(program, ids, n, language)
    _reached(report, program, family_ids, families, language)
    _referrals_matches_hours(report, program, start, end)
    report.groups = group_numbers(program, start, end)
    return report


def _themes(program: Any, ids: Any, n: int, language: str) -> Breakdown:
    """The codebook's themes, each counting the encounters tagged with it or with any of its
    sub-themes (an encounter once), and under each its sub-themes with their own counts. Two
    aggregate queries and the codebook."""
    tags = Encounter.themes.through.objects.filter(encounter_id__in=ids).order_by()
    direct: dict[int, int] = {
        row["theme_id"]: row["c"]
        for row in tags.values("theme_id").annotate(c=Count("encounter_id", distinct=True))
    }
    rolled: dict[int, int] = {
        row["root"]: row["c"]
        for row in tags.values(root=Coalesce("theme__parent_id", "theme_id")).annotate(
            c=Count("encounter_id", distinct=True)
        )
    }
    codebook = list(Theme.objects.filter(program=program))
    subthemes: dict[int, list[Theme]] = {}
    for theme in codebook:
        if theme.parent_id and (theme.is_active or direct.get(theme.pk)):
            subthemes.setdefault(theme.parent_id, []).append(theme)
    tops = [
        t
        for t in codebook
        if t.parent_id is None and (t.is_active or rolled.get(t.pk) or t.pk in subthemes)
    ]
    rows: list[tuple[str, str, int]] = []
    subrows: set[str] = set()
    for top in sorted(tops, key=lambda t: (-rolled.get(t.pk, 0), t.label_for(language))):
        rows.append((str(top.pk), top.label_for(language), rolled.get(top.pk, 0)))
        subs = subthemes.get(top.pk, [])
        for sub in sorted(subs, key=lambda t: (-direct.get(t.pk, 0), t.label_for(language))):
            rows.append((str(sub.pk), sub.label_for(language), direct.get(sub.pk, 0)))
            subrows.add(str(sub.pk))
    return Breakdown("themes", rows, n, subrows=frozenset(subrows))


def _reached(report: Report, program: Any, family_ids: Any, families: int, language: str) -> None:
    """Who is reached: the families of the period's encounters by language, ZIP area, condition
    category and referral source (each family counted once per category)."""
    from kindred.lib.languages import language_name

    b = report.breakdowns
    languages = (
        Caregiver.objects.filter(family_id__in=family_ids, is_active=True)
        .order_by()
        .values("preferred_language")
        .annotate(c=Count("family_id", distinct=True))
        .values_list("preferred_language", "c")
    )
    b["language"] = Breakdown(
        "language",
        sorted(
            ((code, language_name(code), c) for code, c in languages),
            key=lambda row: (-row[2], row[1]),
        ),
        families,
    )
    areas: dict[str, int] = {}
    for zip_code in Family.objects.filter(pk__in=family_ids).values_list("zip_code", flat=True):
        area = safe_harbor.zip3(zip_code) or "—"
        areas[area] = areas.get(area, 0) + 1
    b["zip3"] = Breakdown(
        "zip3",
        sorted(((a, a, c) for a, c in areas.items()), key=lambda row: (-row[2], row[0])),
        families,
        partition=True,
    )
    categories = (
        Child.objects.filter(family_id__in=family_ids, is_active=True)
        .order_by()
        .values("conditions__category__name", "conditions__category__name_es")
        .annotate(c=Count("family_id", distinct=True))
    )
    b["conditions"] = Breakdown(
        "conditions",
        sorted(
            (
                (
                    row["conditions__category__name"] or "",
                    (
                        row["conditions__category__name_es"]
                        if language == "es" and row["conditions__category__name_es"]
                        else row["conditions__category__name"]
                    )
                    or "—",
                    row["c"],
                )
                for row in categories
            ),
            key=lambda row: (-row[2], row[1]),
        ),
        families,
    )
    from kindred.referrals.models import Source

    sources = dict(
        Referral.objects.filter(program=program, family_id__in=family_ids)
        .exclude(status="entered-in-error")
        .order_by()
        .values("source")
        .annotate(c=Count("family_id", distinct=True))
        .values_list("source", "c")
    )
    b["source"] = Breakdown(
        "source",
        [(v, str(label), sources.get(v, 0)) for v, label in Source.choices if sources.get(v)],
        families,
    )


def _referrals_matches_hours(report: Report, program: Any, start: date, end: date) -> None:
    numbers = dashboard.numbers(program, start, end - timedelta(days=1))
    report.referrals = numbers
    lo, hi = period_bounds(start, end)
    matches = Match.objects.filter(program=program)
    report.matches = matches.aggregate(
        started=Count("id", filter=Q(started_at__gte=lo, started_at__lt=hi)),
        closed=Count("id", filter=Q(status="closed", closed_at__gte=lo, closed_at__lt=hi)),
    )
    from kindred.matching.models.match import CLOSE_REASONS

    reasons = dict(
        matches.filter(status="closed", closed_at__gte=lo, closed_at__lt=hi)
        .order_by()
        .values("close_reason")
        .annotate(c=Count("id"))
        .values_list("close_reason", "c")
    )
    report.breakdowns["close_reasons"] = Breakdown(
        "close_reasons",
        [(code, str(label), reasons.get(code, 0)) for code, label in CLOSE_REASONS],
        report.matches["closed"],
        partition=True,
    )
    volunteer = hours.volunteer_hours(program, start, end - timedelta(days=1))
    report.volunteer = {
        "training": float(volunteer["training"]),
        "supervision": float(volunteer["supervision"]),
        "encounters": report.support_hours,
        "total": float(volunteer["total"]) + report.support_hours,
    }
