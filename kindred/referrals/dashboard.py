"""The numbers of the referral dashboard and the coordinator's queue, as few queries as possible
(both are benchmarked at 100,000 referrals: bench/bench_referrals.py)."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Extract, Floor, Lower
from django.utils import timezone

from kindred.programs.models import Program
from kindred.referrals import totals
from kindred.referrals.daily import ReferralDailyCount, ReferralDelayCount
from kindred.referrals.deadlines import DUE_SOON_HOURS
from kindred.referrals.models import QUEUE_STATUSES, Referral, queue_rank
from kindred.referrals.status import Status

# What a queue row shows: narrow rows keep the sort of every open referral cheap.
QUEUE_COLUMNS = (
    "id",
    "program_id",
    "family_id",
    "family__name",
    "source",
    "urgency",
    "status",
    "step",
    "received_at",
    "due_at",
    "first_contact_at",
    "duplicate_of_id",
    "language",
    "owner_id",
    "owner__full_name",
    "next_attempt_on",
)


def _owned(qs: QuerySet[Referral], owner: str, user: Any) -> QuerySet[Referral]:
    if owner == "mine":
        return qs.filter(owner=user)
    if owner == "unassigned":
        return qs.filter(owner__isnull=True)
    return qs


def _rows(qs: QuerySet[Referral]) -> QuerySet[Referral]:
    """What a row shows; the conditions ticked in one more query for the page."""
    return qs.select_related("family", "owner").only(*QUEUE_COLUMNS).prefetch_related("conditions")


def queue(
    program: Program,
    *,
    show: str = "open",
    owner: str = "",
    user: Any = None,
    today: date | None = None,
) -> QuerySet[Referral]:
    """Awaiting first contact first, by deadline (so overdue, then due soon), then the other
    new referrals, then the rest by deadline. The order does not depend on the clock, so the
    partial index `referrals_queue_rank_idx` serves it without sorting every open referral.
    With `today`, referrals whose next attempt is due are left out: `attempts_due` lists them
    above the queue (a filter on the index walk, not a sort)."""
    qs = Referral.objects.filter(program=program)
    if show == "open":
        qs = qs.filter(status__in=QUEUE_STATUSES)
    elif show in Status.values:
        qs = qs.filter(status=show)
    if today is not None and show in ("open", "all"):
        qs = qs.exclude(status__in=QUEUE_STATUSES, next_attempt_on__lte=today)
    return (
        _rows(_owned(qs, owner, user)).annotate(rank=queue_rank()).order_by("rank", "due_at", "id")
    )


def attempts_due(
    program: Program, *, today: date, owner: str = "", user: Any = None
) -> QuerySet[Referral]:
    """Open referrals whose next contact attempt is today or past, the longest waiting first
    (partial index `referrals_next_attempt_idx`). All of them: a day's call-backs are the
    team's own plan, and they are left out of the queue below."""
    qs = Referral.objects.filter(
        program=program, status__in=QUEUE_STATUSES, next_attempt_on__lte=today
    )
    return _rows(_owned(qs, owner, user)).order_by("next_attempt_on", "id")


def queue_counts(program: Program, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return (
        Referral.objects.filter(program=program)
        .awaiting_first_contact()
        .aggregate(
            waiting=Count("id"),
            overdue=Count("id", filter=Q(due_at__lte=now)),
            due_soon=Count(
                "id", filter=Q(due_at__gt=now, due_at__lte=now + timedelta(hours=DUE_SOON_HOURS))
            ),
        )
    )


def in_range(program: Program, start: date | None, end: date | None) -> QuerySet[Referral]:
    qs = Referral.objects.filter(program=program).exclude(status=Status.ENTERED_IN_ERROR)
    tz = timezone.get_current_timezone()
    if start:
        qs = qs.filter(received_at__gte=datetime.combine(start, time.min, tzinfo=tz))
    if end and end < date.max:
        qs = qs.filter(
            received_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
        )
    return qs


def missed_uncontacted(
    program: Program, start: date | None, end: date | None, now: datetime | None = None
) -> int:
    """Referrals received in the range that nobody reached before their deadline, which has
    passed, while they were open: misses of "% contacted within the target" that the daily
    counts cannot hold (they turn into misses as the clock moves). Partial index
    `referrals_uncontacted_idx`."""
    now = now or timezone.now()
    return (
        in_range(program, start, end)
        .filter(first_contact_at__isnull=True, due_at__lte=now)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gt=F("due_at")))
        .count()
    )


def _minutes_to_first_contact(qs: QuerySet[Referral]) -> list[tuple[int, int]]:
    """[(whole minutes from referral to first contact, how many referrals)], ascending: a
    histogram (hash aggregation, one scan) instead of sorting every delay."""
    contacted = qs.filter(first_contact_at__isnull=False)
    if connection.vendor == "postgresql":
        delay = ExpressionWrapper(
            F("first_contact_at") - F("received_at"), output_field=DurationField()
        )
        rows = (
            contacted.annotate(
                minutes=Floor(Extract(delay, "epoch") / 60, output_field=IntegerField())
            )
            .order_by()
            .values("minutes")
            .annotate(n=Count("id"))
            .values_list("minutes", "n")
        )
        return sorted((int(m), n) for m, n in rows)
    # SQLite (development): the same histogram, computed here.
    counts: dict[int, int] = {}
    for a, b in contacted.values_list("received_at", "first_contact_at"):
        if a is None or b is None:
            continue
        minute = int((b - a).total_seconds() // 60)
        counts[minute] = counts.get(minute, 0) + 1
    return sorted(counts.items())


def percentile(histogram: list[tuple[int, int]], q: float) -> float | None:
    """percentile_cont over the values a histogram stands for (linear interpolation)."""
    total = sum(n for _, n in histogram)
    if not total:
        return None
    position = (total - 1) * q
    low_index = int(position)
    fraction = position - low_index

    def value_at(index: int) -> int:
        seen = 0
        for value, n in histogram:
            seen += n
            if index < seen:
                return value
        return histogram[-1][0]

    low = value_at(low_index)
    high = value_at(min(low_index + 1, total - 1))
    return low + (high - low) * fraction


def numbers(
    program: Program,
    start: date | None = None,
    end: date | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Every number of the dashboard from the counts kept as referrals move: all time from the
    all-time totals (referrals/totals.py, a few dozen rows and the delay hours), a range from
    the daily counts (referrals/daily.py). Equal to `numbers_from_referrals` (the property
    test in tests/test_daily_counts.py checks it over random histories)."""
    if end is not None and end >= date.max:
        end = None
    missed = missed_uncontacted(program, start, end, now)
    if start is None and end is None:
        read = totals.read(program.pk)
        median, p90 = totals.percentiles(program.pk, read["hour"], (0.5, 0.9))
        marginals = (read["source"], read["role"], read["department"], read["reason"])
        return _result(read["totals"], marginals, (median, p90), missed)
    days = ReferralDailyCount.objects.filter(program=program)
    delays = ReferralDelayCount.objects.filter(program=program)
    if start:
        days, delays = days.filter(day__gte=start), delays.filter(day__gte=start)
    if end:
        days, delays = days.filter(day__lte=end), delays.filter(day__lte=end)
    fields = ["referred", "contacted", "within_target", "supported", "active"]
    sums = dict.fromkeys(fields, 0)
    groups = []
    for row in days.values(
        "source", "referrer_role", "department", "status", "status_reason", *fields
    ):
        for name in fields:
            sums[name] += row[name]
        if row["referred"]:
            groups.append({**row, "n": row["referred"]})
    histogram = sorted(
        (int(m), n)
        for m, n in delays.order_by()
        .values("minutes")
        .annotate(total=Sum("n"))
        .values_list("minutes", "total")
        if n
    )
    return _result(sums, _marginals(groups), _percentiles(histogram), missed)


def numbers_from_referrals(
    program: Program,
    start: date | None = None,
    end: date | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The same numbers computed from the referral rows, in three scans (the covering index
    `referrals_dashboard_idx` lets PostgreSQL read only the index): the reference the daily
    counts are checked against, and the benchmark's baseline."""
    qs = in_range(program, start, end)
    counts = qs.aggregate(
        referred=Count("id"),
        contacted=Count("id", filter=Q(first_contact_at__isnull=False)),
        within_target=Count("id", filter=Q(first_contact_at__lte=F("due_at"))),
        supported=Count("id", filter=Q(supported_at__isnull=False)),
        active=Count(
            "id",
            filter=Q(supported_at__isnull=False, status__in=[Status.IN_PROGRESS, Status.COMPLETED]),
        ),
    )
    groups = (
        qs.annotate(department=Lower("referrer_department"))
        .order_by()
        .values("source", "referrer_role", "department", "status", "status_reason")
        .annotate(n=Count("id"))
    )
    return _result(
        counts,
        _marginals(groups),
        _percentiles(_minutes_to_first_contact(qs)),
        missed_uncontacted(program, start, end, now),
    )


Marginals = tuple[dict[str, int], dict[str, int], dict[str, int], dict[tuple[str, str], int]]


def _marginals(groups: Any) -> Marginals:
    """Counts by source, referrer role, department and (status, reason) of declined, cancelled
    or failed referrals, from rows grouped by all five."""
    by_source: dict[str, int] = {}
    by_role: dict[str, int] = {}
    by_department: dict[str, int] = {}
    reasons: dict[tuple[str, str], int] = {}
    failed_statuses = {Status.FAILED, Status.REJECTED, Status.CANCELLED}
    for row in groups:
        n = row["n"]
        by_source[row["source"]] = by_source.get(row["source"], 0) + n
        if row["referrer_role"]:
            by_role[row["referrer_role"]] = by_role.get(row["referrer_role"], 0) + n
        if row["department"]:
            by_department[row["department"]] = by_department.get(row["department"], 0) + n
        if row["status"] in failed_statuses:
            key = (row["status"], row["status_reason"])
            reasons[key] = reasons.get(key, 0) + n
    return by_source, by_role, by_department, reasons


def _percentiles(histogram: list[tuple[int, int]]) -> tuple[float | None, float | None]:
    return percentile(histogram, 0.5), percentile(histogram, 0.9)


def _result(
    totals: dict[str, Any],
    marginals: Marginals,
    quantiles: "tuple[float | None, float | None] | list[float | None]",
    missed: int,
) -> dict[str, Any]:
    by_source, by_role, by_department, reasons = marginals
    median, p90 = quantiles
    # Every referral whose deadline has passed counts: contacted (in time or late), or never
    # contacted while open past its deadline (a miss); one contacted early counts at once.
    decided = totals["contacted"] + missed
    return {
        **totals,
        "missed_uncontacted": missed,
        "decided": decided,
        "median_hours": median / 60 if median is not None else None,
        "p90_hours": p90 / 60 if p90 is not None else None,
        "within_target_pct": round(100 * totals["within_target"] / decided) if decided else None,
        "by_source": by_source,
        "by_role": [
            {"referrer_role": role, "n": n}
            for role, n in sorted(by_role.items(), key=lambda item: (-item[1], item[0]))
        ],
        "by_department": [
            {"department": name, "n": n}
            for name, n in sorted(by_department.items(), key=lambda item: (-item[1], item[0]))[:25]
        ],
        "reasons": [
            {"status": status, "status_reason": reason, "n": n}
            for (status, reason), n in sorted(
                reasons.items(), key=lambda item: (item[0][0], -item[1], item[0][1])
            )
        ],
    }
