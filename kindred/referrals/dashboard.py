"""The numbers of the referral dashboard and the coordinator's queue, as few queries as possible
(both are benchmarked at 100,000 referrals: bench/bench_referrals.py)."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Extract, Lower
from django.utils import timezone

from kindred.programs.models import Program
from kindred.referrals.deadlines import DUE_SOON_HOURS
from kindred.referrals.models import Referral
from kindred.referrals.status import OPEN, Status


class PercentileCont(Aggregate):
    """PostgreSQL's percentile_cont (ordered-set aggregate)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


def queue(
    program: Program, *, show: str = "open", now: datetime | None = None
) -> QuerySet[Referral]:
    """Overdue first, then due soon, then new, then the rest by deadline."""
    now = now or timezone.now()
    awaiting = Q(first_contact_at__isnull=True, status__in=[Status.REQUESTED, Status.ACCEPTED])
    qs = Referral.objects.filter(program=program)
    if show == "open":
        qs = qs.filter(status__in=OPEN)
    elif show in Status.values:
        qs = qs.filter(status=show)
    return (
        qs.select_related("family", "referred_by")
        .annotate(
            rank=Case(
                When(awaiting & Q(due_at__lte=now), then=Value(0)),
                When(
                    awaiting & Q(due_at__lte=now + timedelta(hours=DUE_SOON_HOURS)), then=Value(1)
                ),
                When(status=Status.REQUESTED, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "due_at", "id")
    )


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
    if end:
        qs = qs.filter(
            received_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
        )
    return qs


def _hours_to_first_contact(qs: QuerySet[Referral]) -> tuple[float | None, float | None]:
    contacted = qs.filter(first_contact_at__isnull=False)
    delay = ExpressionWrapper(
        F("first_contact_at") - F("received_at"), output_field=DurationField()
    )
    if connection.vendor == "postgresql":
        seconds = Extract(delay, "epoch")
        found = contacted.aggregate(
            median=PercentileCont(seconds, 0.5), p90=PercentileCont(seconds, 0.9)
        )
        median, p90 = found["median"], found["p90"]
        return (
            median / 3600 if median is not None else None,
            p90 / 3600 if p90 is not None else None,
        )
    # SQLite (development): the same numbers, computed here.
    values = sorted(
        (b - a).total_seconds() / 3600
        for a, b in contacted.values_list("received_at", "first_contact_at")
    )
    if not values:
        return None, None
    return _percentile(values, 0.5), _percentile(values, 0.9)


def _percentile(ordered: list[float], q: float) -> float:
    """Linear interpolation, as percentile_cont does."""
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def numbers(program: Program, start: date | None = None, end: date | None = None) -> dict[str, Any]:
    qs = in_range(program, start, end)
    totals = qs.aggregate(
        referred=Count("id"),
        contacted=Count("id", filter=Q(first_contact_at__isnull=False)),
        within_target=Count("id", filter=Q(first_contact_at__lte=F("due_at"))),
        supported=Count("id", filter=Q(supported_at__isnull=False)),
        active=Count(
            "id",
            filter=Q(supported_at__isnull=False, status__in=[Status.IN_PROGRESS, Status.COMPLETED]),
        ),
    )
    median, p90 = _hours_to_first_contact(qs)
    by_source = {
        row["source"]: row["n"] for row in qs.order_by().values("source").annotate(n=Count("id"))
    }
    by_role = list(
        qs.exclude(referrer_role="")
        .order_by()
        .values("referrer_role")
        .annotate(n=Count("id"))
        .order_by("-n", "referrer_role")
    )
    by_department = list(
        qs.exclude(referrer_department="")
        .annotate(department=Lower("referrer_department"))
        .order_by()
        .values("department")
        .annotate(n=Count("id"))
        .order_by("-n", "department")[:25]
    )
    reasons = list(
        qs.filter(status__in=[Status.FAILED, Status.REJECTED, Status.CANCELLED])
        .order_by()
        .values("status", "status_reason")
        .annotate(n=Count("id"))
        .order_by("status", "-n")
    )
    contacted = totals["contacted"]
    return {
        **totals,
        "median_hours": median,
        "p90_hours": p90,
        "within_target_pct": round(100 * totals["within_target"] / contacted)
        if contacted
        else None,
        "by_source": by_source,
        "by_role": by_role,
        "by_department": by_department,
        "reasons": reasons,
    }
