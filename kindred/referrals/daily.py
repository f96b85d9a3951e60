"""Daily per-program counts of referrals, kept as referrals move, so the dashboard reads
hundreds of rows instead of every referral (issue 16, bench/bench_referrals.py).

A referral counts once, in the day it was received (in the site's time zone), under its
source, referrer role, department (lower case), status and reason, with flags for contacted,
contacted within target, supported and active; its delay to first contact counts in a second
table, by whole minutes. Entered-in-error referrals count nowhere, as on the dashboard.

`Referral.save()` and `delete()` move a referral's contribution (the old one out, the new one in)
in the same transaction as the row, every transition of the state kit included. A bulk insert
or a queryset `update()` bypasses them: call `rebuild(program_id)` afterwards (the demo loader
and the benchmark do).
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone


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


def apply(old: Contribution | None, new: Contribution | None) -> None:
    """Move a referral's contribution from `old` to `new` (inside the caller's transaction)."""
    if old == new:
        return
    for part, sign in ((old, -1), (new, 1)):
        if part is None:
            continue
        _add(
            ReferralDailyCount,
            part.key(),
            {
                "referred": sign,
                "contacted": sign * part.contacted,
                "within_target": sign * part.within_target,
                "supported": sign * part.supported,
                "active": sign * part.active,
            },
        )
        if part.minutes is not None:
            _add(
                ReferralDelayCount,
                {"program_id": part.program_id, "day": part.day, "minutes": part.minutes},
                {"n": sign},
            )


def rebuild(
    program_id: int | None = None,
    *,
    referral_model: Any = None,
    daily_model: Any = ReferralDailyCount,
    delay_model: Any = ReferralDelayCount,
) -> None:
    """Recount from the referral rows (all programs, or one): the data migration (with its
    historical models), the demo, the benchmark after a bulk insert."""
    if referral_model is None:  # by name: referrals.models imports this module
        referral_model = apps.get_model("referrals", "Referral")
    referrals = referral_model._default_manager.all()
    daily = daily_model._default_manager
    delays = delay_model._default_manager
    if program_id is not None:
        referrals = referrals.filter(program_id=program_id)
        daily, delays = daily.filter(program_id=program_id), delays.filter(program_id=program_id)
    with transaction.atomic():
        daily.all().delete()
        delays.all().delete()
        rows: dict[tuple[Any, ...], dict[str, int]] = {}
        minutes: dict[tuple[Any, ...], int] = {}
        for referral in referrals.iterator(chunk_size=5000):
            part = contribution(referral)
            if part is None:
                continue
            key = tuple(part.key().values())
            row = rows.setdefault(
                key,
                {"referred": 0, "contacted": 0, "within_target": 0, "supported": 0, "active": 0},
            )
            row["referred"] += 1
            row["contacted"] += part.contacted
            row["within_target"] += part.within_target
            row["supported"] += part.supported
            row["active"] += part.active
            if part.minutes is not None:
                delay_key = (part.program_id, part.day, part.minutes)
                minutes[delay_key] = minutes.get(delay_key, 0) + 1
        names = ["program_id", "day", "source", "referrer_role", "department", "status"]
        names.append("status_reason")
        daily_model._default_manager.bulk_create(
            [daily_model(**dict(zip(names, key, strict=True)), **c) for key, c in rows.items()],
            batch_size=2000,
        )
        delay_model._default_manager.bulk_create(
            [delay_model(program_id=p, day=d, minutes=m, n=n) for (p, d, m), n in minutes.items()],
            batch_size=2000,
        )
