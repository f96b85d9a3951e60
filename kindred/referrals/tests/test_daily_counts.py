"""The dashboard's numbers from the daily counts equal the numbers from the referral rows, for
random histories of referrals received, contacted, moved, supported and entered in error."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kindred.referrals import daily
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
    assert numbers(program) == numbers_from_referrals(program)
    start = date.today() - timedelta(days=window)
    assert numbers(program, start, None) == numbers_from_referrals(program, start, None)
    assert numbers(program, None, start) == numbers_from_referrals(program, None, start)
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


def test_a_transition_moves_the_count_in_its_transaction(referral, world) -> None:
    row = daily.ReferralDailyCount.objects.get(program=referral.program, status=referral.status)
    assert row.referred >= 1
    referral.transition(to=Status.ACCEPTED, by=world.coordinator)
    accepted = daily.ReferralDailyCount.objects.get(
        program=referral.program, status=Status.ACCEPTED
    )
    assert accepted.referred == 1
    assert numbers(referral.program) == numbers_from_referrals(referral.program)
