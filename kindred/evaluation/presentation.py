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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kindred.evaluation.report import Breakdown, Report
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


def hidden_cells(
    counts: list[int],
    partition: bool = False,
    *,
    total: int | None = None,
    chains: Iterable[Sequence[int]] = (),
    sums: Iterable[tuple[int, Sequence[int]]] = (),
    given: Iterable[int] = (),
) -> set[int]:
    """Indexes of the cells to suppress: the small ones (1 to 10), and then more ("second-cell"
    or complementary suppression) until no count from 1 to 10 can be derived from those shown:

    - `partition`: the cells partition `total` (shown elsewhere; their sum by default), so the
      total minus the shown cells must not be small: the smallest shown non-zero cell goes;
    - `chains`: index sequences of nested counts, each containing the next (the referral funnel:
      referred ⊇ contacted ⊇ …): the difference of any two shown cells of a chain must not be
      small, else the inner one goes;
    - `sums`: (total index, part indexes), a cell that is the sum of others in the same table:
      the shown total minus the shown parts must not be small (a part goes), and a hidden total
      is not left derivable as the sum of shown parts;
    - `given`: cells hidden already (by another table's rule).

    A cell hidden for a second reason always holds 11 or more, so hiding it never makes another
    difference small: the loop ends with every shown difference 0 or at least 11.
    """
    hidden = {i for i, c in enumerate(counts) if safe_harbor.is_small(c)} | set(given)
    chains, sums = [list(c) for c in chains], [(t, list(p)) for t, p in sums]

    def shown(indexes: Iterable[int]) -> list[int]:
        return [i for i in indexes if i not in hidden]

    def hide_smallest(indexes: Iterable[int]) -> bool:
        others = [(counts[i], i) for i in shown(indexes) if counts[i] > 0]
        if others:
            hidden.add(min(others)[1])
        return bool(others)

    changed = True
    while changed:
        changed = False
        if partition:
            whole = sum(counts) if total is None else total
            if safe_harbor.is_small(whole - sum(counts[i] for i in shown(range(len(counts))))):
                changed = hide_smallest(range(len(counts))) or changed
        for chain in chains:
            visible = shown(chain)
            pair = next(
                (
                    (a, b)
                    for n, a in enumerate(visible)
                    for b in visible[n + 1 :]
                    if safe_harbor.is_small(abs(counts[a] - counts[b]))
                ),
                None,
            )
            if pair:
                hidden.add(pair[1])
                changed = True
        for whole_index, parts in sums:
            visible = shown(parts)
            if whole_index in hidden:  # derivable when every part is shown
                leak = len(visible) == len(parts)
            else:
                leak = safe_harbor.is_small(counts[whole_index] - sum(counts[i] for i in visible))
            if leak and hide_smallest(parts):
                changed = True
    return hidden


def hidden_names(
    values: dict[str, int],
    chains: Iterable[Sequence[str]] = (),
    sums: Iterable[tuple[str, Sequence[str]]] = (),
) -> set[str]:
    """`hidden_cells` for counts by name (a chain or sum naming an absent count skips it)."""
    names = list(values)
    index = {name: i for i, name in enumerate(names)}
    found = hidden_cells(
        [values[n] for n in names],
        chains=[[index[n] for n in chain if n in index] for chain in chains],
        sums=[
            (index[t], [index[p] for p in parts])
            for t, parts in sums
            if t in index and all(p in index for p in parts)
        ],
    )
    return {names[i] for i in found}


# The referral funnel's nested counts (referred ⊇ contacted ⊇ supported ⊇ active; the
# referrals whose deadline passed ⊇ those contacted in time), as one chain: any two shown differ
# by 0 or at least 11. The counts that only the measures table shows come after the funnel's
# stages, and `active` (shown in the funnel only) last, so that the funnel and the measures table
# hide the same counts of the same period.
REFERRAL_CHAIN = ("referred", "contacted", "supported", "decided", "within_target", "active")
# Groups: the families who came are those also in one-to-one support plus those in groups only.
GROUP_CHAINS = (("attendances", "walk_ins"), ("one_to_one", "both"))
GROUP_SUMS = (("families", ("both", "groups_only")),)


def referral_hidden(referrals: dict[str, Any]) -> set[str]:
    return hidden_names({k: int(referrals.get(k) or 0) for k in REFERRAL_CHAIN}, [REFERRAL_CHAIN])


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


# Counts of the measures table under the names of the nested chains they belong to: a COUNT
# measure by its key, a share's numerator and denominator as "key#n" and "key#d".
MEASURE_COUNTS = {
    "referrals.referred": "referred",
    "referrals.contacted": "contacted",
    "referrals.supported#n": "supported",
    "referrals.supported#d": "referred",
    "referrals.first_contact_within_target#n": "within_target",
    "referrals.first_contact_within_target#d": "decided",
}
MEASURE_CHAINS = (
    REFERRAL_CHAIN,
    (
        "encounters.families_reached",
        "encounters.families_reached_not_english",
        "encounters.families_reached_spanish",
    ),
    ("families.new", "families.new_not_english", "families.new_spanish"),
)


def _counts_of(measures: dict[str, Measure], values: dict[str, MeasureValue]) -> dict[str, str]:
    """The count names of each measure's value ("" where it has none)."""
    names: dict[str, str] = {}
    for key, measure in measures.items():
        value = values[key]
        if measure.unit == Unit.COUNT and value.value is not None:
            names[key] = MEASURE_COUNTS.get(key, key)
        elif measure.unit == Unit.PERCENT:
            names[f"{key}#n"] = MEASURE_COUNTS.get(f"{key}#n", f"{key}#n")
            names[f"{key}#d"] = MEASURE_COUNTS.get(f"{key}#d", f"{key}#d")
    return names


def _counts(measures: dict[str, Measure], values: dict[str, MeasureValue]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for slot, name in _counts_of(measures, values).items():
        key, _sep, part = slot.partition("#")
        value = values[key]
        number = value.numerator if part == "n" else value.denominator if part else value.value
        counts[name] = int(number or 0)
    return counts


def measures_hidden(measures: dict[str, Measure], values: dict[str, MeasureValue]) -> set[str]:
    """The measures table's counts to suppress for one period (count names, see above)."""
    return hidden_names(_counts(measures, values), MEASURE_CHAINS)


def _hide_by_month(
    measures: dict[str, Measure],
    months: list[dict[str, MeasureValue]],
    hidden: list[set[str]],
    whole: dict[str, MeasureValue],
) -> None:
    """The months partition the whole period, shown in the table above: a row's whole-period
    count minus its shown months must not be small, nor a suppressed whole left derivable as the
    sum of its months (counts of distinct families do not add up; treating them as if they did
    only suppresses more)."""
    whole_counts = _counts(measures, whole)
    whole_hidden = measures_hidden(measures, whole)
    month_counts = [_counts(measures, values) for values in months]
    for name, total in whole_counts.items():
        row = [total] + [counts.get(name, 0) for counts in month_counts]
        given = {0} if name in whole_hidden else set()
        given |= {m + 1 for m, h in enumerate(hidden) if name in h}
        for i in hidden_cells(row, sums=[(0, range(1, len(row)))], given=given):
            if i:
                hidden[i - 1].add(name)


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
    (`_hide_by_month`)."""
    ordered = sorted(measures.items())
    hidden = [set() if exact else measures_hidden(measures, v) for v in values]
    if whole is not None and not exact:
        _hide_by_month(measures, values, hidden, whole)
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
