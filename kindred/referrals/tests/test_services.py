from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.families.consent import may
from kindred.families.models import Consent, Family
from kindred.programs.models import Membership, Role
from kindred.referrals.models import Notification, Referral, ReferralSettings, Source
from kindred.referrals.notifications import escalate_overdue
from kindred.referrals.services import ReferredFamily, referral_move, referrer_may_see_status
from kindred.referrals.status import Status

from .conftest import make_referral


def test_it_creates_the_family_with_its_consent_and_a_deadline(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral(world)
    family = referral.family
    assert family.program == world.program_a
    caregiver = family.caregivers.get()
    assert (caregiver.first_name, caregiver.preferred_language) == ("Marisol", "es")
    assert family.children.get().first_name == "Teo"
    assert may(family, Consent.Scope.CONTACT)
    assert may(family, Consent.Scope.SHARE_STATUS_WITH_REFERRER)
    assert referral.status == Status.REQUESTED
    assert referral.due_at - referral.received_at == timedelta(hours=48)
    assert referral.transitions.get().to_status == Status.REQUESTED
    event = AuditEvent.objects.get(action="referrals.referral.created")
    assert "Marisol" not in str(event.detail) and "heart" not in str(event.fields)
    # The coordinator hears of it, in the app and by e-mail (no health details in it).
    note = Notification.objects.get(recipient=world.coordinator)
    assert note.kind == Notification.Kind.NEW_REFERRAL
    assert len(mail.outbox) == 1
    assert "heart" not in mail.outbox[0].body and "Marisol" not in mail.outbox[0].body
    assert f"/referrals/{referral.pk}/" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"consent_to_contact": False}, "consent_to_contact"),
        (
            {"family": ReferredFamily(caregiver_first_name="Ana", child_first_name="Leo")},
            "phone",
        ),
        (
            {
                "family": ReferredFamily(
                    caregiver_first_name="Ana",
                    phone="555-100-2000",
                    child_first_name="Leo",
                    child_birth_date=timezone.localdate() + timedelta(days=3),
                )
            },
            "child_birth_date",
        ),
    ],
)
def test_it_refuses_bad_referrals_and_saves_nothing(world, change, field):
    with pytest.raises(ValidationError) as caught:
        make_referral(world, **change)
    assert field in caught.value.message_dict
    assert not Referral.objects.exists()
    assert not Family.objects.exists()
    assert not Notification.objects.exists()


def test_it_links_a_likely_duplicate_family_and_flags_the_open_referral(world):
    first = make_referral(world)
    again = make_referral(
        world,
        family=ReferredFamily(caregiver_first_name="Marisol", phone="(555) 201-3344"),
        share_status_with_referrer=False,
    )
    assert again.family_id == first.family_id
    assert again.linked_existing_family
    assert again.duplicate_of_id == first.pk
    assert Family.objects.count() == 1


def test_it_reopens_a_closed_family_it_links_with_a_transition_and_an_audit_event(world):
    first = make_referral(world)
    family = first.family
    family.transition(to=Family.Status.CLOSED, reason="Moved away", by=world.coordinator)
    again = make_referral(
        world, family=ReferredFamily(caregiver_first_name="Marisol", phone="(555) 201-3344")
    )
    family.refresh_from_db()
    assert again.family_id == family.pk and family.status == Family.Status.ACTIVE
    assert family.transitions.last().to_status == Family.Status.ACTIVE
    event = AuditEvent.objects.get(action="families.family.reopened")
    assert event.object_id == str(family.pk)


def test_it_shows_the_referrer_the_status_only_while_the_family_consents(world, referral):
    assert referrer_may_see_status(referral)
    from kindred.families.consent import consent_record

    consent_record(
        family=referral.family,
        scope=Consent.Scope.SHARE_STATUS_WITH_REFERRER,
        decision=Consent.Decision.WITHDRAWN,
        method=Consent.Method.VERBAL,
        by=world.coordinator,
    )
    assert not referrer_may_see_status(referral)


def test_it_tells_the_referrer_of_a_status_change_in_their_language(
    world, referral, django_capture_on_commit_callbacks
):
    world.referrer.language = "es"
    world.referrer.save()
    with django_capture_on_commit_callbacks(execute=True):
        referral_move(referral=referral, to=Status.ACCEPTED, by=world.coordinator)
    note = Notification.objects.get(recipient=world.referrer)
    assert note.status == Status.ACCEPTED
    message = mail.outbox[-1]
    assert message.to == [world.referrer.email]
    assert "Aceptada" in message.body
    assert f"/referrals/sent/{referral.pk}/" in message.body


def test_it_does_not_tell_a_referrer_who_did_not_ask(world, django_capture_on_commit_callbacks):
    referral = make_referral(world, notify_referrer=False)
    with django_capture_on_commit_callbacks(execute=True):
        referral_move(referral=referral, to=Status.ACCEPTED, by=world.coordinator)
    assert not Notification.objects.filter(recipient=world.referrer).exists()


def test_it_escalates_overdue_referrals_once_to_coordinator_and_supervisor(
    world, django_capture_on_commit_callbacks
):
    overdue = make_referral(world)
    Referral.objects.filter(pk=overdue.pk).update(
        received_at=timezone.now() - timedelta(hours=60),
        due_at=timezone.now() - timedelta(hours=12),
    )
    on_time = make_referral(
        world, family=ReferredFamily(caregiver_first_name="Lena", email="lena@example.test")
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert escalate_overdue.call() == 1
    with django_capture_on_commit_callbacks(execute=True):
        call_command("referrals_escalate_overdue")  # a second run: nothing new
    escalations = Notification.objects.filter(kind=Notification.Kind.OVERDUE)
    assert {n.recipient for n in escalations} == {world.coordinator, world.supervisor}
    assert all(n.referral_id == overdue.pk for n in escalations)
    assert len(mail.outbox) == 2
    assert not Notification.objects.filter(kind="overdue", referral=on_time).exists()


def test_it_does_not_escalate_a_referral_contacted_in_time(world):
    referral = make_referral(world)
    referral.log_contact_attempt(by=world.coordinator, method="phone", outcome="reached")
    Referral.objects.filter(pk=referral.pk).update(
        received_at=timezone.now() - timedelta(hours=50), due_at=timezone.now() - timedelta(hours=2)
    )
    assert escalate_overdue.call() == 0


def test_it_uses_business_hours_when_the_program_counts_them(world, monkeypatch):
    # Friday 6 March 2026, 10:00 in Chicago; the program opens 08:00-12:00 on weekdays, so the
    # 48 hours are 2 on Friday, then 4 a day: due Tuesday 24 March at 10:00 (after the switch to
    # daylight time on 8 March). Around the clock it would be Sunday 8 March, 11:00.
    chicago = ZoneInfo("America/Chicago")
    received = datetime(2026, 3, 6, 16, 0, tzinfo=UTC)  # what timezone.now() gives: UTC
    monkeypatch.setattr(timezone, "now", lambda: received)
    ReferralSettings.objects.create(
        program=world.program_a, business_hours_only=True, opens_at=time(8), closes_at=time(12)
    )
    assert world.program_a.first_contact_target_hours == 48
    referral = make_referral(world)
    assert referral.received_at == received
    referral.refresh_from_db()
    assert referral.due_at == datetime(2026, 3, 24, 10, 0, tzinfo=chicago)
    around_the_clock = make_referral(world, program=world.program_b, by=None, source=Source.SELF)
    around_the_clock.refresh_from_db()
    assert around_the_clock.due_at == datetime(2026, 3, 8, 11, 0, tzinfo=chicago)


def test_it_records_a_self_referral_without_a_referrer(world):
    referral = make_referral(
        world, source=Source.SELF, by=None, consent_method="self", share_status_with_referrer=True
    )
    assert referral.referred_by is None
    assert not referral.share_status_with_referrer
    assert referral.transitions.get().by is None


def test_it_notifies_only_active_coordinators(world):
    Membership.objects.filter(user=world.coordinator).update(is_active=False)
    make_referral(world)
    assert not Notification.objects.filter(kind="new-referral").exists()
    assert Role.COORDINATOR  # the role exists; nobody active holds it in program A


def test_it_moves_referrals_with_a_merged_family(world):
    from kindred.families.services import family_merge

    first = make_referral(world)
    other = make_referral(
        world,
        family=ReferredFamily(caregiver_first_name="Ana", email="ana.other@example.test"),
    )
    family_merge(keep=first.family, merged=other.family, by=world.coordinator)
    other.refresh_from_db()
    assert other.family_id == first.family_id
    assert referrer_may_see_status(other)  # the consent moved with the family


def test_it_stops_telling_the_referrer_once_the_family_withdraws_consent(
    world, referral, django_capture_on_commit_callbacks
):
    from kindred.families.consent import consent_record

    consent_record(
        family=referral.family,
        scope=Consent.Scope.SHARE_STATUS_WITH_REFERRER,
        decision=Consent.Decision.WITHDRAWN,
        method=Consent.Method.VERBAL,
        by=world.coordinator,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        referral_move(referral=referral, to=Status.ACCEPTED, by=world.coordinator)
    assert not Notification.objects.filter(recipient=world.referrer).exists()
    assert not mail.outbox
