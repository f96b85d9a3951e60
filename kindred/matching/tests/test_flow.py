"""The match's whole life through the services: every transition and its rules."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from kindred.audit.models import AuditEvent
from kindred.audit.states import TransitionError
from kindred.families.models import Family
from kindred.matching import services
from kindred.matching.models import BlockedPair, Match
from kindred.matching.ranking import rank_family
from kindred.matching.tests.factories import active_match, offered_match, waiting_family
from kindred.matching.waiting import waiting_families
from kindred.mentors.services import mentor_change_status
from kindred.referrals.status import Step

pytestmark = pytest.mark.django_db


def test_the_ranked_list_puts_the_mentor_who_shares_the_condition_first(mworld) -> None:
    result = rank_family(mworld.objects["family"])
    assert result.eligible[0].mentor.full_name == "Ana Mentor"
    texts = " ".join(r.text for r in result.eligible[0].ranked.reasons)
    assert "Tetralogy of Fallot" in texts or "heart" in texts.lower()


def test_offer_takes_a_place_and_tells_the_mentor(
    mworld, django_capture_on_commit_callbacks
) -> None:
    ana, family = mworld.objects["ana"], mworld.objects["family"]
    with django_capture_on_commit_callbacks(execute=True):
        match = offered_match(mworld, family, ana)
    ana.refresh_from_db()
    assert match.status == "offered"
    assert ana.active_family_count == 1
    assert [t.to_status for t in match.transitions.all()] == ["proposed", "approved", "offered"]
    assert AuditEvent.objects.filter(
        action="matching.match.offered", object_id=str(match.pk)
    ).exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["mentor@a.test"]
    body = mail.outbox[0].body
    assert f"/matching/match/{match.pk}/" in body
    assert "Quintero" not in body and "Fallot" not in body


def test_the_whole_life_reaches_the_referral_and_the_mentors_families(mworld) -> None:
    ana, family = mworld.objects["ana"], mworld.objects["family"]
    other = offered_match(mworld, family, mworld.objects["bea"])
    assert Family.objects.visible_to(mworld.mentor).count() == 0
    match = active_match(mworld, family, ana)
    assert match.status == "active" and match.fit_check_due is not None
    other.refresh_from_db()
    assert other.status == "withdrawn"
    assert list(Family.objects.visible_to(mworld.mentor)) == [family]
    referral = family.referrals.get()
    assert referral.step == Step.MATCHED and referral.status == "in-progress"
    assert family not in [w.family for w in waiting_families(mworld.program_a)]
    ana.refresh_from_db()
    mworld.objects["bea"].refresh_from_db()
    assert (ana.active_family_count, mworld.objects["bea"].active_family_count) == (1, 0)
    services.close(match=match, by=mworld.coordinator, code="goals_met")
    ana.refresh_from_db()
    assert ana.active_family_count == 0
    assert Family.objects.visible_to(mworld.mentor).count() == 0


def test_decline_needs_a_reason_from_the_list_and_blocks_the_pair(mworld) -> None:
    ana, family = mworld.objects["ana"], mworld.objects["family"]
    match = offered_match(mworld, family, ana)
    with pytest.raises(TransitionError):
        services.mentor_answer(match=match, by=mworld.mentor, answer="decline", code="made-up")
    match.refresh_from_db()
    assert match.status == "offered"
    services.mentor_answer(match=match, by=mworld.mentor, answer="decline", code="no_time")
    ana.refresh_from_db()
    assert match.status == "declined" and ana.active_family_count == 0
    assert BlockedPair.objects.filter(family=family, mentor=ana, kind="declined").exists()
    assert ana.pk not in [r.mentor.pk for r in rank_family(family).eligible]
    with pytest.raises(ValidationError):
        services.propose(family=family, mentor=ana, by=mworld.coordinator)


def test_asking_for_more_information_and_the_answer(mworld) -> None:
    match = offered_match(mworld, mworld.objects["family"], mworld.objects["ana"])
    with pytest.raises(TransitionError):
        services.mentor_answer(match=match, by=mworld.mentor, answer="ask", note="  ")
    services.mentor_answer(
        match=match, by=mworld.mentor, answer="ask", note="How old is the child?"
    )
    assert match.status == "info_requested"
    services.answer_question(match=match, by=mworld.coordinator, answer="Thirteen months.")
    assert match.status == "offered" and match.info_answer == "Thirteen months."


def test_introduction_checks_the_consent_again(mworld) -> None:
    family = mworld.objects["family"]
    match = offered_match(mworld, family, mworld.objects["ana"])
    services.mentor_answer(match=match, by=mworld.mentor, answer="accept")
    family.consents.create(
        scope="share_with_mentor",
        decision="withdrawn",
        method="verbal",
        recorded_by=mworld.coordinator,
    )
    with pytest.raises(TransitionError) as refused:
        services.introduce(match=match, by=mworld.coordinator)
    assert refused.value.code == "consent_missing"
    match.refresh_from_db()
    assert match.status == "accepted"


def test_no_offer_without_the_consent_to_share_with_a_mentor(mworld) -> None:
    family = waiting_family(mworld, name="Sinconsent", consent=False)
    match = services.propose(family=family, mentor=mworld.objects["ana"], by=mworld.coordinator)
    with pytest.raises(TransitionError):
        services.approve_and_offer(match=match, by=mworld.coordinator)
    match.refresh_from_db()
    mworld.objects["ana"].refresh_from_db()
    assert match.status == "proposed" and mworld.objects["ana"].active_family_count == 0


def test_the_last_place_cannot_be_taken_twice(mworld) -> None:
    ana = mworld.objects["ana"]
    ana.max_families = 1
    ana.save(update_fields=["max_families"])
    offered_match(mworld, mworld.objects["family"], ana)
    second = services.propose(
        family=waiting_family(mworld, name="Segunda"), mentor=ana, by=mworld.coordinator
    )
    with pytest.raises(TransitionError) as refused:
        services.approve_and_offer(match=second, by=mworld.coordinator)
    assert refused.value.code == "capacity"
    ana.refresh_from_db()
    assert ana.active_family_count == 1


def test_a_paused_mentor_loses_open_offers_and_the_coordinator_is_told(
    mworld, django_capture_on_commit_callbacks
) -> None:
    ana, family = mworld.objects["ana"], mworld.objects["family"]
    match = offered_match(mworld, family, ana)
    mail.outbox.clear()
    from datetime import timedelta

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=True):
        mentor_change_status(
            mentor=ana,
            to="paused",
            by=mworld.coordinator,
            paused_until=timezone.localdate() + timedelta(days=30),
        )
    match.refresh_from_db()
    ana.refresh_from_db()
    assert match.status == "withdrawn" and ana.active_family_count == 0
    assert "coordinator@a.test" in [m.to[0] for m in mail.outbox]


def test_not_a_good_fit_closes_and_returns_the_family_with_the_mentor_blocked(mworld) -> None:
    ana, family = mworld.objects["ana"], mworld.objects["family"]
    match = active_match(mworld, family, ana)
    services.record_fit(match=match, by=mworld.mentor, side="mentor", fit="good")
    assert match.status == "active"
    services.record_fit(
        match=match,
        by=mworld.coordinator,
        side="coordinator",
        fit="not_good",
        note="Different hopes",
    )
    match.refresh_from_db()
    assert match.status == "closed" and match.close_reason == "not_good_fit"
    assert BlockedPair.objects.filter(family=family, mentor=ana, kind="not_good_fit").exists()
    assert family in [w.family for w in waiting_families(mworld.program_a)]
    assert ana.pk not in [r.mentor.pk for r in rank_family(family).eligible]


def test_close_needs_a_reason_from_the_list(mworld) -> None:
    match = active_match(mworld, mworld.objects["family"], mworld.objects["ana"])
    with pytest.raises(TransitionError):
        services.close(match=match, by=mworld.coordinator, code="")
    match.refresh_from_db()
    assert match.status == "active"


def test_a_duration_sets_the_end_and_renewal_moves_it(mworld) -> None:
    from kindred.matching.models import MatchSettings

    MatchSettings.objects.create(program=mworld.program_a, duration_weeks=8)
    match = active_match(mworld, mworld.objects["family"], mworld.objects["ana"])
    first_end = match.ends_on
    assert first_end is not None
    services.renew(match=match, by=mworld.coordinator)
    match.refresh_from_db()
    assert match.ends_on > first_end and match.renewals == 1


def test_no_match_across_programs(mworld) -> None:
    from kindred.matching.tests.factories import matchable_mentor

    other = matchable_mentor(mworld, name="Other", email="o@b.test")
    other.program = mworld.program_b
    other.save(update_fields=["program"])
    with pytest.raises(ValidationError):
        services.propose(family=mworld.objects["family"], mentor=other, by=mworld.coordinator)
    assert not Match.objects.exists()
