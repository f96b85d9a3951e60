"""The dashboard's numbers from the daily counts equal the numbers from the referral rows, for
random histories of referrals received, contacted, moved, supported and entered in error."""

import math
from collections import Counter
from datetime import date, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kindred.referrals import daily, totals
from kindred.referrals.dashboard import numbers, numbers_from_referrals
from kindred.referrals.models import Referral
from kindred.referrals.status import REASON_REQUIRED, Reason, Status

pytestmark = pytest.mark.django_db

SOURCES = ["referrer", "partner"]
DEPARTMENTS = ["", "NICU", "nicu", "Cardiology"]
ROLES = ["", "nurse", "social-worker"]

move = st.one_of(
    st.tuples(st.just("contact"), st.integers(min_value=0, max_value=96 * 60)),
    st.tuples(st.just("department"), st.sampled_from(DEPARTMENTS)),
    st.tuples(st.just("status"), st.sampled_from([s.value for s in Status])),
    st.tuples(st.just("supported"), st.booleans()),
    st.tuples(st.just("delete"), st.just(0)),
)
referral_story = st.tuples(
    st.integers(min_value=0, max_value=40),  # days ago received
    st.sampled_from(SOURCES),
    st.sampled_from(ROLES),
    st.sampled_from(DEPARTMENTS),
    st.lists(move, max_size=3),
)


def _make(template: Referral, days_ago: int, source: str, role: str, department: str) -> Referral:
    received = timezone.now() - timedelta(days=days_ago, minutes=days_ago * 7)
    referral = Referral.objects.get(pk=template.pk)
    referral.pk = None
    referral._state.adding = True
    referral._counted = None
    referral.submission_key = ""
    referral.received_at = received
    referral.due_at = received + timedelta(hours=48)
    referral.first_contact_at = None
    referral.supported_at = None
    referral.status = Status.REQUESTED
    referral.status_reason = ""
    referral.source, referral.referrer_role, referral.referrer_department = source, role, department
    referral.save()
    return referral


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(stories=st.lists(referral_story, min_size=1, max_size=6), window=st.integers(0, 45))
def test_the_counts_give_the_numbers_of_the_rows(referral, stories, window) -> None:
    program = referral.program
    Referral.objects.exclude(pk=referral.pk).delete()  # the last example's (a queryset delete)
    daily.rebuild(program.pk)
    for days_ago, source, role, department, moves in stories:
        made = _make(referral, days_ago, source, role, department)
        for kind, value in moves:
            made = Referral.objects.get(pk=made.pk)  # each move as a new request would load it
            if kind == "contact":
                made.first_contact_at = made.received_at + timedelta(minutes=value)
            elif kind == "department":
                made.referrer_department = value
            elif kind == "status":
                made.status = value
                made.status_reason = Reason.UNABLE_TO_REACH if value in REASON_REQUIRED else ""
            elif kind == "supported":
                made.supported_at = made.received_at + timedelta(days=1) if value else None
            else:
                made.delete()
                break
            made.save()
    now = timezone.now()
    assert numbers(program, now=now) == numbers_from_referrals(program, now=now)
    assert numbers(program, now=now) == recount(program, now=now)
    start = date.today() - timedelta(days=window)
    for first, last in ((start, None), (None, start)):
        assert numbers(program, first, last, now) == numbers_from_referrals(
            program, first, last, now
        )
        assert numbers(program, first, last, now) == recount(program, first, last, now)
    # The all-time totals the moves left are the ones a recount from the rows gives.
    kept = _totals(program)
    daily.rebuild(program.pk)
    assert kept == _totals(program)
    # The data migration's rebuild gives the same counts as the moves did.
    before = sorted(
        daily.ReferralDailyCount.objects.filter(program=program, referred__gt=0).values_list(
            "day", "source", "department", "status", "referred", "contacted", "supported"
        )
    )
    daily.rebuild(program.pk)
    after = sorted(
        daily.ReferralDailyCount.objects.filter(program=program, referred__gt=0).values_list(
            "day", "source", "department", "status", "referred", "contacted", "supported"
        )
    )
    assert before == after


def _totals(program) -> tuple[list[tuple], list[tuple]]:
    return (
        sorted(
            totals.ReferralTotal.objects.filter(program=program)
            .exclude(referred=0, contacted=0, supported=0)
            .values_list("group", "key", "reason", "referred", "contacted", "within_target")
        ),
        sorted(
            totals.ReferralDelayTotal.objects.filter(program=program, n__gt=0).values_list(
                "minutes", "n"
            )
        ),
    )


def recount(program, start=None, end=None, now=None) -> dict:
    """The dashboard counted again in Python from the raw referral rows, without the counts,
    the histogram or the grouped SQL of either path."""
    kept = [
        r
        for r in Referral.objects.filter(program=program)
        if r.status != Status.ENTERED_IN_ERROR
        and (start is None or daily.day_of(r.received_at) >= start)
        and (end is None or daily.day_of(r.received_at) <= end)
    ]
    contacted = [r for r in kept if r.first_contact_at is not None]
    delays = sorted(
        math.floor((r.first_contact_at - r.received_at).total_seconds() / 60) for r in contacted
    )

    def cont(q: float) -> float | None:  # percentile_cont over the sorted delays
        if not delays:
            return None
        position = (len(delays) - 1) * q
        low = int(position)
        high = min(low + 1, len(delays) - 1)
        return (delays[low] + (delays[high] - delays[low]) * (position - low)) / 60

    missed = sum(
        1
        for r in kept
        if r.first_contact_at is None
        and r.due_at <= now
        and (r.closed_at is None or r.closed_at > r.due_at)
    )
    within = sum(1 for r in contacted if r.first_contact_at <= r.due_at)
    decided = len(contacted) + missed
    by_role = Counter(r.referrer_role for r in kept if r.referrer_role)
    by_department = Counter(r.referrer_department.lower() for r in kept if r.referrer_department)
    reasons = Counter(
        (r.status, r.status_reason)
        for r in kept
        if r.status in (Status.FAILED, Status.REJECTED, Status.CANCELLED)
    )
    return {
        "referred": len(kept),
        "contacted": len(contacted),
        "within_target": within,
        "supported": sum(1 for r in kept if r.supported_at is not None),
        "active": sum(
            1
            for r in kept
            if r.supported_at is not None and r.status in (Status.IN_PROGRESS, Status.COMPLETED)
        ),
        "missed_uncontacted": missed,
        "decided": decided,
        "median_hours": cont(0.5),
        "p90_hours": cont(0.9),
        "within_target_pct": round(100 * within / decided) if decided else None,
        "by_source": dict(Counter(r.source for r in kept)),
        "by_role": [
            {"referrer_role": k, "n": n}
            for k, n in sorted(by_role.items(), key=lambda i: (-i[1], i[0]))
        ],
        "by_department": [
            {"department": k, "n": n}
            for k, n in sorted(by_department.items(), key=lambda i: (-i[1], i[0]))[:25]
        ],
        "reasons": [
            {"status": s, "status_reason": reason, "n": n}
            for (s, reason), n in sorted(reasons.items(), key=lambda i: (i[0][0], -i[1], i[0][1]))
        ],
    }


def test_a_transition_moves_the_count_in_its_transaction(referral, world) -> None:
    row = daily.ReferralDailyCount.objects.get(program=referral.program, status=referral.status)
    assert row.referred >= 1
    referral.transition(to=Status.ACCEPTED, by=world.coordinator)
    accepted = daily.ReferralDailyCount.objects.get(
        program=referral.program, status=Status.ACCEPTED
    )
    assert accepted.referred == 1
    assert numbers(referral.program) == numbers_from_referrals(referral.program)
