"""The report as people read it: tables of one or two periods side by side, a chart for each
breakdown, and small counts suppressed for those who see aggregates only (evaluators).

Suppression (docs/evaluation.md): a count from 1 to 10 shows as "<11" and its percentage is
not shown; in a breakdown whose categories partition its total (setting, mode, ZIP area, close
reason), when exactly one cell is suppressed the next smallest non-zero cell is suppressed too,
so the hidden one cannot be found by subtraction. A share is shown only when its numerator and
denominator are both outside 1–10. Averages (per family, per mentor) are shown only when both
of their counts are outside 1–10.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kindred.evaluation.report import Breakdown, Report
from kindred.evaluation.suppression import (
    GROUP_CHAINS,
    GROUP_SUMS,
    MEASURE_COUNTS,
    hidden_cells,
    hidden_names,
    hide_by_month,
    measures_hidden,
    referral_hidden,
)
from kindred.lib import safe_harbor
from kindred.lib.measures import Measure, MeasureValue, Unit

TITLES = {
    "setting": gettext_lazy("Encounters by setting"),
    "mode": gettext_lazy("Encounters by mode"),
    "support": gettext_lazy("Support types"),
    "themes": gettext_lazy("Themes"),
    "language": gettext_lazy("Families reached by language"),
    "zip3": gettext_lazy("Families reached by 3-digit ZIP area"),
    "conditions": gettext_lazy("Families reached by condition category"),
    "source": gettext_lazy("Families reached by referral source"),
    "close_reasons": gettext_lazy("Matches closed, by reason"),
}
OF_ENCOUNTERS = {"setting", "mode", "support", "themes"}


@dataclass
class Cell:
    count: str
    percent: str = ""


@dataclass
class Row:
    label: str
    cells: list[Cell]
    sub: bool = False  # a sub-theme, shown under its theme


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row]
    chart: str  # a data: URI of the SVG
    chart_alt: str
    percent_of: str


def count_text(n: int | float, hidden: bool) -> str:
    return safe_harbor.SUPPRESSED if hidden else f"{n:,}".replace(",", "\u202f")


def percent_text(n: int, base: int, hidden: bool) -> str:
    if hidden or not base:
        return ""
    return f"{100 * n / base:.0f}%"


def sections(reports: list[Report], labels: list[str], *, exact: bool) -> list[Section]:
    """One section per breakdown; rows are the union of the periods' categories."""
    result = []
    for key in reports[0].breakdowns:
        per_period: list[Breakdown] = [r.breakdowns[key] for r in reports]
        order: list[tuple[str, str]] = []
        seen: set[str] = set()
        for breakdown in per_period:
            for row_key, label, _count in breakdown.rows:
                if row_key not in seen:
                    seen.add(row_key)
                    order.append((row_key, label))
        columns = []
        for breakdown in per_period:
            by_key = {k: c for k, _label, c in breakdown.rows}
            counts = [by_key.get(k, 0) for k, _label in order]
            hidden = (
                set() if exact else hidden_cells(counts, breakdown.partition, total=breakdown.base)
            )
            base_hidden = not exact and safe_harbor.is_small(breakdown.base)
            columns.append(
                [
                    Cell(
                        count_text(c, i in hidden),
                        percent_text(c, breakdown.base, i in hidden or base_hidden),
                    )
                    for i, c in enumerate(counts)
                ]
            )
        subrows = frozenset().union(*(b.subrows for b in per_period))
        rows = [
            Row(label, [column[i] for column in columns], sub=k in subrows)
            for i, (k, label) in enumerate(order)
            if any(column[i].count != "0" for column in columns)
        ]
        title = str(TITLES.get(key, key))
        result.append(
            Section(
                key=key,
                title=title,
                rows=rows,
                # Nothing to draw when every count is suppressed (pygal would say "No data").
                chart=chart(title, rows, labels) if any(map(_charted, rows)) else "",
                chart_alt=_("Bar chart: %(title)s. The numbers are in the table below it.")
                % {"title": title},
                percent_of=_("% of encounters") if key in OF_ENCOUNTERS else _("% of families"),
            )
        )
    return result


def _charted(row: Row) -> bool:
    return any(_bar(cell) for cell in row.cells)


def _bar(cell: Cell) -> int | None:
    """A cell's bar: its count, or none when suppressed."""
    text = cell.count.replace("\u202f", "")
    return int(text) if text.isdigit() else None


def chart(title: str, rows: list[Row], labels: list[str]) -> str:
    """A horizontal bar chart (pygal, rendered on the server) as a data: URI for an <img>: the
    page's content security policy allows images from data: but no inline style."""
    import pygal
    from pygal.style import Style

    style = Style(
        background="white",
        plot_background="white",
        foreground="#222",
        foreground_strong="#111",
        foreground_subtle="#555",
        colors=("#1f5c99", "#c2571a"),
        font_family="sans-serif",
        label_font_size=13,
        major_label_font_size=13,
        legend_font_size=13,
        title_font_size=15,
    )
    bar = pygal.HorizontalBar(
        style=style,
        js=[],
        width=640,
        height=max(160, 60 + 36 * len(rows) * len(labels)),
        show_legend=len(labels) > 1,
        legend_at_bottom=True,
        print_values=True,
        print_zeroes=False,
        truncate_label=40,
        title=title,
    )
    bar.x_labels = [f"↳ {row.label}" if row.sub else row.label for row in rows]
    for index, label in enumerate(labels):
        bar.add(label, [_bar(row.cells[index]) for row in rows])
    svg = bar.render(is_unicode=True)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def totals(reports: list[Report], *, exact: bool) -> list[Row]:
    """The summary table: counts, averages, hours."""
    rows: list[Row] = []
    names = [
        ("encounters", _("Encounters")),
        ("families", _("Families")),
        ("children", _("Children")),
        ("caregivers", _("Caregivers")),
        ("mentors", _("Mentors")),
    ]
    for key, label in names:
        rows.append(
            Row(
                label,
                [
                    Cell(
                        count_text(r.totals[key], not exact and safe_harbor.is_small(r.totals[key]))
                    )
                    for r in reports
                ],
            )
        )
    for what, of, label in (
        ("encounters", "families", _("Encounters per family")),
        ("encounters", "mentors", _("Encounters per mentor")),
    ):
        cells = []
        for r in reports:
            value = r.per(what, of)
            small = safe_harbor.is_small(r.totals[what]) or safe_harbor.is_small(r.totals[of])
            cells.append(
                Cell(
                    ""
                    if value is None
                    else (safe_harbor.SUPPRESSED if small and not exact else f"{value:.1f}")
                )
            )
        rows.append(Row(label, cells))
    rows.append(Row(_("Hours of support"), [Cell(f"{r.support_hours:.1f}") for r in reports]))
    return rows


def funnel(reports: list[Report], *, exact: bool) -> list[Row]:
    """The referral funnel and time to first contact (the referrals dashboard's numbers)."""
    rows = []
    hidden = [set() if exact else referral_hidden(r.referrals) for r in reports]
    for key, label in (
        ("referred", _("Referred")),
        ("contacted", _("Contacted")),
        ("supported", _("Matched or in a group")),
        ("active", _("Support under way or completed")),
    ):
        rows.append(
            Row(
                label,
                [
                    Cell(
                        count_text(r.referrals[key], key in h),
                        percent_text(
                            r.referrals[key], r.referrals["referred"], bool({key, "referred"} & h)
                        ),
                    )
                    for r, h in zip(reports, hidden, strict=True)
                ],
            )
        )

    def hours_text(r: Report, key: str) -> str:
        # A median or percentile of 1 to 10 referrals is near one family's own wait.
        value = r.referrals[key]
        if value is None:
            return ""
        if not exact and safe_harbor.is_small(r.referrals["contacted"]):
            return safe_harbor.SUPPRESSED
        return _("%(h).1f hours") % {"h": value}

    rows.append(
        Row(
            _("Median time to first contact"),
            [Cell(hours_text(r, "median_hours")) for r in reports],
        )
    )
    rows.append(Row(_("90th percentile"), [Cell(hours_text(r, "p90_hours")) for r in reports]))
    rows.append(
        Row(
            _("Contacted within the target"),
            [
                Cell(
                    ""
                    if r.referrals["within_target_pct"] is None
                    else safe_harbor.SUPPRESSED
                    if {"within_target", "decided"} & h
                    else f"{r.referrals['within_target_pct']}%"
                )
                for r, h in zip(reports, hidden, strict=True)
            ],
        )
    )
    return rows


def matches_and_hours(reports: list[Report], *, exact: bool) -> list[Row]:
    rows = [
        Row(
            _("Matches started"),
            [
                Cell(
                    count_text(
                        r.matches["started"],
                        not exact and safe_harbor.is_small(r.matches["started"]),
                    )
                )
                for r in reports
            ],
        ),
        Row(
            _("Matches closed"),
            [
                Cell(
                    count_text(
                        r.matches["closed"], not exact and safe_harbor.is_small(r.matches["closed"])
                    )
                )
                for r in reports
            ],
        ),
    ]
    for key, label in (
        ("encounters", _("Volunteer hours: encounters")),
        ("training", _("Volunteer hours: training")),
        ("supervision", _("Volunteer hours: supervision")),
        ("total", _("Volunteer hours: total")),
    ):
        rows.append(Row(label, [Cell(f"{r.volunteer[key]:.1f}") for r in reports]))
    return rows


def groups_table(reports: list[Report], *, exact: bool) -> list[Row]:
    """Support groups: sessions held, attendance, the families who came, and how group and
    one-to-one support overlap (counts from 1 to 10 suppressed for aggregate-only readers)."""
    names = [
        ("sessions", _("Group sessions held")),
        ("attendances", _("Attendance (present at a session)")),
        ("walk_ins", _("Of which walk-ins")),
        ("families", _("Families who came to a group")),
        ("one_to_one", _("Families in one-to-one support")),
        ("both", _("Families in a group and in one-to-one support")),
        ("groups_only", _("Families in a group only")),
    ]
    hidden = [
        set() if exact else hidden_names(dict(r.groups), GROUP_CHAINS, GROUP_SUMS) for r in reports
    ]
    return [
        Row(
            label,
            [
                Cell(count_text(r.groups[key], key in h))
                for r, h in zip(reports, hidden, strict=True)
            ],
        )
        for key, label in names
    ]


def measure_text(
    measure: Measure, value: MeasureValue, *, exact: bool, hidden: set[str] | None = None
) -> str:
    """A measure's value as shown; for evaluators small counts, shares of small counts and the
    counts of a nested chain that would reveal one by subtraction (`hidden`) are suppressed."""
    key = measure.key
    if hidden is None:
        hidden = set() if exact else measures_hidden({key: measure}, {key: value})
    if value.value is None:
        return "—"
    if measure.unit == Unit.PERCENT:
        parts = {MEASURE_COUNTS.get(f"{key}#{p}", f"{key}#{p}") for p in "nd"}
        if not exact and (
            parts & hidden
            or safe_harbor.is_small(value.numerator or 0)
            or safe_harbor.is_small(value.denominator or 0)
        ):
            return safe_harbor.SUPPRESSED
        if value.numerator is not None and value.denominator is not None:
            return _("%(pct).0f%% (%(n)s of %(d)s)") % {
                "pct": value.value,
                "n": value.numerator,
                "d": value.denominator,
            }
        return f"{value.value:.0f}%"
    if measure.unit == Unit.COUNT:
        return count_text(
            int(value.value),
            not exact
            and (MEASURE_COUNTS.get(key, key) in hidden or safe_harbor.is_small(int(value.value))),
        )
    # A median or an average of 1 to 10 people is near one person's value.
    if not exact and safe_harbor.is_small(value.denominator or 0):
        return safe_harbor.SUPPRESSED
    if measure.unit == Unit.HOURS:
        return _("%(h).1f h") % {"h": value.value}
    return _("%(d).1f days") % {"d": value.value}


def measure_values(
    measures: dict[str, Measure], program: Any, periods: list[tuple[Any, Any]]
) -> list[dict[str, MeasureValue]]:
    """Every measure's value for each period."""
    return [
        {key: measure.value(program, lo, hi) for key, measure in sorted(measures.items())}
        for lo, hi in periods
    ]


def measures_table(
    measures: dict[str, Measure],
    values: list[dict[str, MeasureValue]],
    *,
    exact: bool,
    whole: dict[str, MeasureValue] | None = None,
) -> list[dict[str, Any]]:
    """Every measure for each period's `values` (a column each); the nested counts of a period
    are suppressed together (`measures_hidden`), and when the periods are the months of a whole
    period (`whole`, its values), so is a month that its row's whole-period figure would reveal
    (`hide_by_month`)."""
    ordered = sorted(measures.items())
    hidden = [set() if exact else measures_hidden(measures, v) for v in values]
    if whole is not None and not exact:
        hide_by_month(measures, values, hidden, whole)
    return [
        {
            "key": key,
            "label": measure.label,
            "help": measure.help_text,
            "values": [
                measure_text(measure, v[key], exact=exact, hidden=h)
                for v, h in zip(values, hidden, strict=True)
            ],
        }
        for key, measure in ordered
    ]
