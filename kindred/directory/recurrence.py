"""RFC 5545 recurrence rules of HSDS schedules: checked before they are stored.

An HSDS schedule spreads an RRULE over columns (freq, interval, count, until, byday, ...).
`python-dateutil` parses the rule; it accepts a few things RFC 5545 forbids (INTERVAL=0,
COUNT=0, BYMONTHDAY=40, COUNT together with UNTIL), which are checked here explicitly.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from dateutil.rrule import rrulestr
from django.utils.translation import gettext as _

FREQUENCIES = (
    "WEEKLY",
    "MONTHLY",
)  # HSDS 3.0 schedule.freq; the directory_schedule_freq_valid check
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
BYDAY = re.compile(r"^(?P<n>[+-]?\d{1,2})?(?P<day>[A-Z]{2})$")
# RFC 5545 3.3.10: the ranges of the BY... lists (zero never allowed).
RANGES = {"bymonthday": 31, "byweekno": 53, "byyearday": 366}
RULE_FIELDS = (
    "freq", "interval", "count", "until", "byday", "bymonthday", "byweekno", "byyearday", "wkst"
)  # fmt: skip


@dataclass(frozen=True)
class RuleProblem:
    field: str
    message: str


def _items(value: Any) -> list[str]:
    return [item.strip() for item in str(value or "").split(",") if item.strip()]


def _byday_problem(value: Any) -> str | None:
    for token in _items(value):
        match = BYDAY.match(token.upper())
        if not match or match["day"] not in WEEKDAYS:
            return _("%(value)s is not a day of the week (MO, TU, WE, TH, FR, SA, SU).") % {
                "value": token
            }
        if match["n"] is not None and not 1 <= abs(int(match["n"])) <= 53:
            return _("%(value)s: the week number before the day must be 1 to 53.") % {
                "value": token
            }
    return None


def _list_problem(name: str, value: Any) -> str | None:
    top = RANGES[name]
    for token in _items(value):
        try:
            number = int(token)
        except ValueError:
            number = 0
        if not 1 <= abs(number) <= top:
            return _("%(value)s is not a whole number from 1 to %(top)s (or -1 to -%(top)s).") % {
                "value": token,
                "top": top,
            }
    return None


def rule_text(values: Mapping[str, Any]) -> str:
    """The RRULE of a schedule's columns, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH."""
    parts = []
    for name in RULE_FIELDS:
        value = values.get(name)
        if value in (None, ""):
            continue
        if isinstance(value, date):
            value = value.strftime("%Y%m%d")
        elif isinstance(value, str):
            value = ",".join(_items(value)).upper()
        parts.append(f"{name.upper()}={value}")
    return ";".join(parts)


def problems(values: Mapping[str, Any]) -> list[RuleProblem]:
    """What is wrong with a schedule's recurrence: [] when it is a valid RFC 5545 rule (or none).

    `values` holds the schedule's columns as Python values (dates as `date`, numbers as `int`).
    """
    found: list[RuleProblem] = []
    freq = str(values.get("freq") or "").upper()
    if freq and freq not in FREQUENCIES:
        found.append(
            RuleProblem("freq", _("freq must be WEEKLY or MONTHLY, as HSDS schedules are."))
        )
    has_rule_parts = any(values.get(name) not in (None, "") for name in RULE_FIELDS[1:])
    if has_rule_parts and not freq:
        found.append(RuleProblem("freq", _("A repeating schedule needs freq (WEEKLY or MONTHLY).")))
    for name in ("interval", "count"):
        value = values.get(name)
        if value is not None and (not isinstance(value, int) or value < 1):
            found.append(RuleProblem(name, _("%(name)s must be 1 or more.") % {"name": name}))
    if values.get("count") is not None and values.get("until") is not None:
        found.append(
            RuleProblem(
                "count",
                _("count and until cannot both be given (RFC 5545): keep one of them."),
            )
        )
    if message := _byday_problem(values.get("byday")):
        found.append(RuleProblem("byday", message))
    for name in RANGES:
        if message := _list_problem(name, values.get(name)):
            found.append(RuleProblem(name, message))
    wkst = str(values.get("wkst") or "").upper()
    if wkst and wkst not in WEEKDAYS:
        found.append(
            RuleProblem(
                "wkst",
                _("%(value)s is not a day of the week (MO, TU, WE, TH, FR, SA, SU).")
                % {"value": wkst},
            )
        )
    if found or not freq:
        return found
    start = values.get("dtstart")
    start = datetime.combine(start if isinstance(start, date) else date(2000, 1, 1), time.min)
    try:
        rrulestr(rule_text(values), dtstart=start)
    except (ValueError, TypeError, OverflowError) as exc:
        found.append(
            RuleProblem("freq", _("not a valid RFC 5545 rule: %(error)s") % {"error": exc})
        )
    return found


def parse_rule(text: str) -> tuple[dict[str, Any], list[RuleProblem]]:
    """A rule typed as RFC 5545 text (FREQ=WEEKLY;BYDAY=TU,TH) as schedule columns, and its
    problems. Every rule column is in the result (None or "" when absent), so that storing it
    replaces the previous rule whole."""
    values: dict[str, Any] = {
        name: None if name in ("interval", "count", "until") else "" for name in RULE_FIELDS
    }
    found: list[RuleProblem] = []
    text = text.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    for part in filter(None, (p.strip() for p in text.split(";"))):
        key, _sep, value = part.partition("=")
        name, value = key.strip().lower(), value.strip()
        if name not in RULE_FIELDS or not value:
            found.append(
                RuleProblem(
                    "rule",
                    _(
                        "%(part)s is not a rule part Kindred keeps (FREQ, INTERVAL, COUNT, UNTIL, BYDAY, BYMONTHDAY, BYWEEKNO, BYYEARDAY, WKST)."
                    )
                    % {"part": part},
                )
            )
            continue
        if name in ("interval", "count"):
            try:
                values[name] = int(value)
            except ValueError:
                found.append(RuleProblem(name, _("%(name)s must be 1 or more.") % {"name": name}))
        elif name == "until":
            try:
                if not re.match(r"^\d{8}(T\d{6}Z?)?$", value):
                    raise ValueError(value)
                values[name] = date(int(value[:4]), int(value[4:6]), int(value[6:8]))
            except ValueError:
                found.append(
                    RuleProblem(name, _("until must be a date written YYYYMMDD, e.g. 20261231."))
                )
        else:
            values[name] = value.upper()
    if not found:
        found = problems(values)
    return values, found
