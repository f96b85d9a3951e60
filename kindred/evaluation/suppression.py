"""Small-cell suppression for those who see aggregates only (docs/evaluation.md, "Small
counts"): a count from 1 to 10 is hidden, and then, by the one helper `hidden_cells`, whatever
would let it be found by subtraction — another cell of a partition, the inner count of two nested
ones (the referral funnel), a part of a total shown in the same table, a month of a period."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from kindred.lib import safe_harbor
from kindred.lib.measures import Measure, MeasureValue, Unit


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


def hide_by_month(
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
