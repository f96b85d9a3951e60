"""HIPAA Safe Harbor de-identification rules (45 CFR 164.514(b)(2)), as pure functions.

The de-identified export (evaluation) and survey exports apply these to every value that leaves
Kindred for an evaluator. What they remove is the 18 identifier kinds of 164.514(b)(2)(i);
only the year of a date, a 3-digit ZIP area, an age (90+ above 89) and counts outside 1–10 stay.

Sources: 45 CFR 164.514(b)(2); HHS "Guidance Regarding Methods for De-identification of Protected
Health Information" (2012), which lists the 3-digit ZIP areas of 20,000 people or fewer in the
2000 Census.
"""

from __future__ import annotations

import re
from datetime import date, datetime

# The 17 three-digit ZIP areas with 20,000 people or fewer (HHS guidance, 2000 Census).
RESTRICTED_ZIP3 = frozenset(
    {
        "036",
        "059",
        "063",
        "102",
        "203",
        "556",
        "692",
        "790",
        "821",
        "823",
        "830",
        "831",
        "878",
        "879",
        "884",
        "890",
        "893",
    }
)

# Small cells: counts from 1 to 10 are not shown in aggregate tables an evaluator sees.
SUPPRESS_MIN = 1
SUPPRESS_MAX = 10
SUPPRESSED = "<11"

AGE_CAP = 90  # ages over 89 are shown as one category, "90+"

_DIGITS = re.compile(r"\d")


def zip3(postal_code: str | None) -> str:
    """The 3-digit ZIP area of a US postal code, `000` for a restricted area, "" if unknown.

    Only the first three digits of a 5-digit (or ZIP+4) code are kept; anything that is not a
    US ZIP (too few digits) gives "" rather than a guess.
    """
    digits = "".join(_DIGITS.findall(postal_code or ""))
    if len(digits) < 5:
        return ""
    area = digits[:3]
    return "000" if area in RESTRICTED_ZIP3 else area


def year_only(moment: date | datetime | None) -> int | None:
    """The year of a date: the only element of a date Safe Harbor allows."""
    return moment.year if moment is not None else None


def day_offset(moment: date | datetime | None, anchor: date | datetime | None) -> int | None:
    """Days from `anchor` (e.g. the family's first referral) to `moment`; None if either is missing.

    An offset reveals no calendar date as long as the anchor itself is never exported.
    """
    if moment is None or anchor is None:
        return None
    return (_as_date(moment) - _as_date(anchor)).days


def _as_date(moment: date | datetime) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def age_years(birth: date | None, on: date | None) -> int | None:
    """Whole years between a birth date and a day; None if either is unknown or birth is later."""
    if birth is None or on is None or birth > on:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_label(age: int | None) -> str:
    """An age as exported: the number up to 89, "90+" above (Safe Harbor (b)(2)(i)(C))."""
    if age is None:
        return ""
    if age >= AGE_CAP:
        return f"{AGE_CAP}+"
    return str(age)


def is_small(count: int) -> bool:
    """Whether a count falls in the suppressed range (1–10); 0 is shown."""
    return SUPPRESS_MIN <= count <= SUPPRESS_MAX


def suppress(count: int) -> int | str:
    """A count as an evaluator may see it: itself, or "<11" for 1–10."""
    return SUPPRESSED if is_small(count) else count
