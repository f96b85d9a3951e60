"""All-time per-program totals of referrals, kept with the daily counts (referrals/daily.py), so
the all-time dashboard reads a few dozen rows whatever the number of referrals (issue 16,
bench/bench_referrals.py).

`ReferralTotal` holds one row per figure the dashboard shows, not per combination of them: the
funnel (`group="all"`), then one row per source, referrer role, department (lower case) and,
for declined, cancelled or failed referrals, per status and reason (`referred` only). Each
referral counts once in each row it belongs to.

The delays to first contact count in two levels: by whole hours (`group="hour"`, read with the
other totals) and by whole minutes (`ReferralDelayTotal`). The median and the 90th percentile
find which hours hold their ranks, then read the minutes of those hours only: the same exact
percentiles as over every minute, from a few hundred rows at most.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models

FAILED_STATUSES = frozenset({"failed", "rejected", "cancelled"})
FUNNEL = ("referred", "contacted", "within_target", "supported", "active")
BUCKET = 60  # minutes per coarse delay bucket


class ReferralTotal(models.Model):
    class Group(models.TextChoices):
        ALL = "all", "all"
        SOURCE = "source", "source"
        ROLE = "role", "role"
        DEPARTMENT = "department", "department"
        REASON = "reason", "reason"
        HOUR = "hour", "hour"  # delays to first contact: key = whole hours, referred = how many

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="+")
    group = models.CharField(max_length=12, choices=Group.choices)
    key = models.CharField(max_length=200, blank=True)  # source, role, department or status
    reason = models.CharField(max_length=30, blank=True)  # the status reason (group "reason")
    referred = models.IntegerField(default=0)
    contacted = models.IntegerField(default=0)
    within_target = models.IntegerField(default=0)
    supported = models.IntegerField(default=0)
    active = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "group", "key", "reason"], name="referrals_total_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.group} {self.key}: {self.referred}"


class ReferralDelayTotal(models.Model):
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="+")
    minutes = models.IntegerField()  # whole minutes from referral to first contact
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "minutes"], name="referrals_delaytotal_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.minutes} min: {self.n}"


Row = tuple[str, dict[str, Any], dict[str, int]]  # (table, key, amounts)


def rows_of(part: Any) -> Iterable[Row]:
    """The total rows one referral's contribution (`daily.Contribution`) counts in."""
    program = part.program_id
    yield (
        "total",
        {"program_id": program, "group": "all", "key": "", "reason": ""},
        {
            "referred": 1,
            "contacted": part.contacted,
            "within_target": part.within_target,
            "supported": part.supported,
            "active": part.active,
        },
    )
    one = {"referred": 1}
    yield "total", {"program_id": program, "group": "source", "key": part.source, "reason": ""}, one
    if part.referrer_role:
        key = {"program_id": program, "group": "role", "key": part.referrer_role, "reason": ""}
        yield "total", key, one
    if part.department:
        key = {"program_id": program, "group": "department", "key": part.department, "reason": ""}
        yield "total", key, one
    if part.status in FAILED_STATUSES:
        key = {
            "program_id": program,
            "group": "reason",
            "key": part.status,
            "reason": part.status_reason,
        }
        yield "total", key, one
    if part.minutes is not None:
        hour = str(part.minutes // BUCKET)
        yield "total", {"program_id": program, "group": "hour", "key": hour, "reason": ""}, one
        yield "delay_total", {"program_id": program, "minutes": part.minutes}, {"n": 1}


def read(program_id: int) -> dict[str, Any]:
    """The funnel totals, the counts by source, role, department and reason, and the delays
    to first contact by whole hours ({hour: how many}), in one query."""
    totals = dict.fromkeys(FUNNEL, 0)
    by: dict[str, dict[Any, int]] = {
        "source": {},
        "role": {},
        "department": {},
        "reason": {},
        "hour": {},
    }
    rows = ReferralTotal.objects.filter(program_id=program_id).values_list(
        "group", "key", "reason", *FUNNEL
    )
    for group, key, reason, *counts in rows:
        if group == "all":
            totals = dict(zip(FUNNEL, counts, strict=True))
        elif counts[0] and group == "hour":
            by["hour"][int(key)] = counts[0]
        elif counts[0]:
            by[group][(key, reason) if group == "reason" else key] = counts[0]
    return {"totals": totals, **by}


def percentiles(program_id: int, hours: dict[int, int], qs: Iterable[float]) -> list[float | None]:
    """percentile_cont of the delays in whole minutes (as `dashboard.percentile` over the
    per-minute histogram), from the hours (`read`) and the minutes of the hours that hold the
    ranks: one more query of at most 60 minutes an hour."""
    delays = ReferralDelayTotal.objects.filter(program_id=program_id, n__gt=0)

    def fine(buckets: set[int]) -> list[tuple[int, int]]:
        # The minutes by value (an index probe each), not by range: an OR of ranges is a filter
        # over every minute row of the program.
        values = [b * BUCKET + m for b in sorted(buckets) for m in range(BUCKET)]
        return sorted(delays.filter(minutes__in=values).values_list("minutes", "n"))

    return two_level(sorted(hours.items()), fine, list(qs))


def two_level(
    coarse: list[tuple[int, int]],
    fine: Callable[[set[int]], list[tuple[int, int]]],
    qs: list[float],
) -> list[float | None]:
    total = sum(n for _, n in coarse)
    if not total:
        return [None for _ in qs]
    wanted: dict[int, tuple[int, int]] = {}  # rank -> (bucket, rank within the bucket)
    plans = []
    for q in qs:
        position = (total - 1) * q
        low = int(position)
        plans.append((low, min(low + 1, total - 1), position - low))
        wanted[low] = wanted[min(low + 1, total - 1)] = (0, 0)
    seen = 0
    for value, n in coarse:
        for rank in wanted:
            if seen <= rank < seen + n:
                wanted[rank] = (value, rank - seen)
        seen += n
    minutes = fine({bucket for bucket, _ in wanted.values()})

    def value_at(rank: int) -> int:
        bucket, offset = wanted[rank]
        inside = 0
        for value, n in minutes:
            if value // BUCKET != bucket:
                continue
            inside += n
            if offset < inside:
                return value
        raise AssertionError("the hour and minute delay totals disagree")

    return [
        value_at(low) + (value_at(high) - value_at(low)) * fraction for low, high, fraction in plans
    ]
