"""Daily per-program counts of referrals, kept as referrals move, so the dashboard reads
hundreds of rows instead of every referral (issue 16, bench/bench_referrals.py).

A referral counts once, in the day it was received (in the site's time zone), under its
source, referrer role, department (lower case), status and reason, with flags for contacted,
contacted within target, supported and active; its delay to first contact counts in a second
table, by whole minutes. Entered-in-error referrals count nowhere, as on the dashboard. The same
contribution counts in the all-time totals (referrals/totals.py), which the all-time dashboard
reads: a few dozen rows instead of a row per day and combination.

`Referral.save()` and `delete()` move a referral's contribution (the old one out, the new one in)
in the same transaction as the row, every transition of the state kit included. A bulk insert
or a queryset `update()` bypasses them: call `rebuild(program_id)` afterwards (the demo loader
and the benchmark do).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from kindred.referrals import totals


class ReferralDailyCount(models.Model):
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    source = models.CharField(max_length=20)
    referrer_role = models.CharField(max_length=40, blank=True)
    department = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20)
    status_reason = models.CharField(max_length=30, blank=True)
    referred = models.IntegerField(default=0)
    contacted = models.IntegerField(default=0)
    within_target = models.IntegerField(default=0)
    supported = models.IntegerField(default=0)
    active = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "program",
                    "day",
                    "source",
                    "referrer_role",
                    "department",
                    "status",
                    "status_reason",
                ],
                name="referrals_dailycount_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.day} {self.referred}"


class ReferralDelayCount(models.Model):
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    minutes = models.IntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "day", "minutes"], name="referrals_delaycount_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.day} {self.minutes}: {self.n}"


@dataclass(frozen=True)
class Contribution:
    program_id: int
    day: date
    source: str
    referrer_role: str
    department: str
    status: str
    status_reason: str
    contacted: int
    within_target: int
    supported: int
    active: int
    minutes: int | None

    def key(self) -> dict[str, Any]:
        return {
            "program_id": self.program_id,
            "day": self.day,
            "source": self.source,
            "referrer_role": self.referrer_role,
            "department": self.department,
            "status": self.status,
            "status_reason": self.status_reason,
        }


UNKNOWN: Any = object()  # a referral read without some counted field: read again when saved
COUNTED_FIELDS = frozenset(
    {
        "program_id",
        "program",
        "status",
        "status_reason",
        "source",
        "referrer_role",
        "referrer_department",
        "received_at",
        "due_at",
        "first_contact_at",
        "supported_at",
    }
)


def snapshot(referral: Any) -> "Contribution | None":
    """The contribution of a row just read, or UNKNOWN when a counted field was deferred
    (reading it would load it: never from inside a load)."""
    if COUNTED_FIELDS & referral.get_deferred_fields():
        return UNKNOWN
    return contribution(referral)


def day_of(moment: datetime) -> date:
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def contribution(referral: Any) -> Contribution | None:
    from kindred.referrals.status import Status

    if referral.pk is None or referral.status == Status.ENTERED_IN_ERROR:
        return None
    received, first = referral.received_at, referral.first_contact_at
    due = referral.due_at
    return Contribution(
        program_id=referral.program_id,
        day=day_of(received),
        source=referral.source,
        referrer_role=referral.referrer_role or "",
        department=(referral.referrer_department or "").lower(),
        status=referral.status,
        status_reason=referral.status_reason or "",
        contacted=int(first is not None),
        within_target=int(first is not None and due is not None and first <= due),
        supported=int(referral.supported_at is not None),
        active=int(
            referral.supported_at is not None
            and referral.status in (Status.IN_PROGRESS, Status.COMPLETED)
        ),
        minutes=int((first - received).total_seconds() // 60) if first is not None else None,
    )


def _add(model: type[models.Model], key: dict[str, Any], amounts: dict[str, int]) -> None:
    changes = {name: F(name) + value for name, value in amounts.items()}
    if model._default_manager.filter(**key).update(**changes):
        return
    try:
        with transaction.atomic():
            model._default_manager.create(**key, **amounts)
    except IntegrityError:  # created meanwhile by another transaction
        model._default_manager.filter(**key).update(**changes)


def _rows_of(part: Contribution) -> Iterable[totals.Row]:
    """Every counted row one referral's contribution adds to: its day, its delay on that day,
    and the all-time totals (referrals/totals.py)."""
    yield (
        "daily",
        part.key(),
        {
            "referred": 1,
            "contacted": part.contacted,
            "within_target": part.within_target,
            "supported": part.supported,
            "active": part.active,
        },
    )
    if part.minutes is not None:
        key = {"program_id": part.program_id, "day": part.day, "minutes": part.minutes}
        yield "delay", key, {"n": 1}
    yield from totals.rows_of(part)


def _tables(**overrides: Any) -> dict[str, Any]:
    tables = {
        "daily": ReferralDailyCount,
        "delay": ReferralDelayCount,
        "total": totals.ReferralTotal,
        "delay_total": totals.ReferralDelayTotal,
    }
    tables.update({name: model for name, model in overrides.items() if model is not None})
    return tables


def _sum(parts: Iterable[tuple[Contribution, int]]) -> dict[tuple[Any, ...], dict[str, int]]:
    """{(table, key items): amounts} of contributions added (+1) or taken out (-1)."""
    changes: dict[tuple[Any, ...], dict[str, int]] = {}
    for part, sign in parts:
        for table, key, amounts in _rows_of(part):
            slot = changes.setdefault((table, *key.items()), {})
            for name, value in amounts.items():
                slot[name] = slot.get(name, 0) + sign * value
    return changes


def apply(old: Contribution | None, new: Contribution | None) -> None:
    """Move a referral's contribution from `old` to `new` (inside the caller's transaction).
    Only rows whose counts change are written, in one fixed order (table, then key), so two
    transactions moving referrals in opposite directions lock the same rows in the same order
    and cannot deadlock."""
    if old == new:
        return
    tables = _tables()
    parts = [(part, sign) for part, sign in ((old, -1), (new, 1)) if part is not None]
    changes = _sum(parts)
    for table, *key in sorted(changes, key=lambda item: tuple(str(value) for value in item)):
        amounts = {name: n for name, n in changes[(table, *key)].items() if n}
        if amounts:
            _add(tables[table], dict(key), amounts)


def rebuild(
    program_id: int | None = None,
    *,
    referral_model: Any = None,
    daily_model: Any = None,
    delay_model: Any = None,
    total_model: Any = None,
    delay_total_model: Any = None,
) -> None:
    """Recount from the referral rows (all programs, or one): the data migrations (with their
    historical models), the demo, the benchmark after a bulk insert."""
    given = {
        "daily": daily_model,
        "delay": delay_model,
        "total": total_model,
        "delay_total": delay_total_model,
    }
    if referral_model is None:  # by name: referrals.models imports this module
        referral_model = apps.get_model("referrals", "Referral")
        tables = _tables(**given)
    else:  # a migration: only the tables its historical state has
        tables = {name: model for name, model in given.items() if model is not None}
    referrals = referral_model._default_manager.all()
    if program_id is not None:
        referrals = referrals.filter(program_id=program_id)
    with transaction.atomic():
        for model in tables.values():
            rows = model._default_manager.all()
            if program_id is not None:
                rows = rows.filter(program_id=program_id)
            rows.delete()
        counted = (contribution(referral) for referral in referrals.iterator(chunk_size=5000))
        changes = _sum((part, 1) for part in counted if part is not None)
        for name, model in tables.items():
            model._default_manager.bulk_create(
                [
                    model(**dict(key), **amounts)
                    for (table, *key), amounts in changes.items()
                    if table == name
                ],
                batch_size=2000,
            )
