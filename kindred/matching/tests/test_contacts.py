"""A match's contacts from the encounters app: the early fit check due at the second contact or
two weeks, whichever first; the match page's early measures (contacts in the first 8 weeks
against 4, hours from the intake to the match against the program's target)."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.matching import contacts
from kindred.matching.models import Match, MatchSettings
from kindred.matching.reminders import send_match_reminders
from kindred.matching.tests.factories import active_match, offered_match

pytestmark = pytest.mark.django_db


def contact(world, match, *, at, family=None, mentor=None, in_error=False):
    """An encounter as the encounters app stores it (through the model looked up by name, as
    matching itself does)."""
    encounter_model = apps.get_model("encounters", "Encounter")
    encounter = encounter_model.objects.create(
        program_id=match.program_id,
        occurred_at=at,
        setting="home",
        mode="phone",
        initiated_by="mentor",
        created_by=world.coordinator,
        entered_in_error=in_error,
        error_reason="typo" if in_error else "",
        error_marked_at=timezone.now() if in_error else None,
    )
    apps.get_model("encounters", "EncounterFamily").objects.create(
        encounter=encounter, family_id=(family or match.family).pk, match=match
    )
    apps.get_model("encounters", "EncounterMentor").objects.create(
        encounter=encounter, mentor_id=(mentor or match.mentor).pk
    )
    return encounter


def test_only_the_pairs_encounters_since_it_became_active_count(mworld) -> None:
    family, ana, bea = mworld.objects["family"], mworld.objects["ana"], mworld.objects["bea"]
    match = active_match(mworld, family, ana)
    now = timezone.now()
    contact(mworld, match, at=now)
    contact(mworld, match, at=now, mentor=bea)  # another mentor with the family
    contact(mworld, match, at=now - timedelta(days=3))  # before the match
    contact(mworld, match, at=now, in_error=True)
    assert contacts.count_contacts(match) == 1
    contact(mworld, match, at=now + timedelta(minutes=1))
    assert contacts.count_contacts(match) == 2
    contact(mworld, match, at=now + timedelta(weeks=9))  # after the first 8 weeks
    assert contacts.count_contacts(match) == 3
    assert contacts.count_contacts(match, weeks=contacts.EARLY_WEEKS) == 2


def test_a_match_not_active_has_no_contacts(mworld) -> None:
    match = offered_match(mworld, mworld.objects["family"], mworld.objects["ana"])
    assert contacts.contacts_of(match) is None
    assert contacts.count_contacts(match) == 0
    assert contacts.fit_check_due_on(match) is None


def test_the_fit_check_is_due_at_the_second_contact_when_it_comes_first(
    mworld, django_capture_on_commit_callbacks
) -> None:
    match = active_match(mworld, mworld.objects["family"], mworld.objects["ana"])
    today = timezone.localdate()
    assert match.fit_check_due == today + timedelta(days=14)
    contact(mworld, match, at=timezone.now())
    assert contacts.fit_check_due_on(match) == today + timedelta(days=14)
    mail.outbox.clear()
    assert send_match_reminders(today) == 0  # one contact: not yet
    contact(mworld, match, at=timezone.now() + timedelta(minutes=5))
    assert contacts.fit_check_due_on(match) == today
    with django_capture_on_commit_callbacks(execute=True):
        assert send_match_reminders(today) == 1
    match.refresh_from_db()
    assert match.fit_check_due == today and match.fit_reminded_at is not None
    assert match.fit_check_is_due
    assert {m.to[0] for m in mail.outbox if m.subject == "Is it a good fit?"} == {
        "mentor@a.test",
        "coordinator@a.test",
    }
    assert AuditEvent.objects.filter(
        action="matching.match.fit_check_advanced", object_id=str(match.pk)
    ).exists()
    assert send_match_reminders(today) == 0  # asked once


def test_two_weeks_decide_when_the_contacts_come_later(mworld) -> None:
    match = active_match(mworld, mworld.objects["family"], mworld.objects["ana"])
    today = timezone.localdate()
    later = timezone.now() + timedelta(days=20)
    contact(mworld, match, at=later)
    contact(mworld, match, at=later + timedelta(hours=1))
    assert contacts.fit_check_due_on(match) == today + timedelta(days=14)
    assert send_match_reminders(today + timedelta(days=13)) == 0
    match.refresh_from_db()
    assert match.fit_check_due == today + timedelta(days=14)
    assert send_match_reminders(today + timedelta(days=14)) == 1


def test_the_match_page_shows_contacts_and_hours_against_the_targets(mworld) -> None:
    MatchSettings.objects.create(program=mworld.program_a, target_hours=24)
    family = mworld.objects["family"]
    intake = apps.get_model("referrals", "Intake").objects.get(referral__family=family)
    type(intake).objects.filter(pk=intake.pk).update(done_at=timezone.now() - timedelta(hours=30))
    match = active_match(mworld, family, mworld.objects["ana"])
    contact(mworld, match, at=timezone.now())
    page = mworld.client("coordinator").get(reverse("matching:match", args=[match.pk]))
    assert page.status_code == 200
    early = page.context["early"]
    assert early.contacts == 1 and early.contacts_target == 4 and early.weeks == 8
    assert early.hours == 30 and early.hours_target == 24 and early.hours_over
    text = page.content.decode()
    # The contacts line is the encounters app's panel on this page (one line, not two).
    assert text.count("in the first 8 weeks") == 1
    assert "1 contact in the first 8 weeks (practice: about 4)." in text
    assert "30 hours" in text and "target: 24 hours" in text
    # The mentor sees the contacts, not the intake's hours.
    own = mworld.client("mentor").get(reverse("matching:match", args=[match.pk]))
    assert own.status_code == 200
    assert "1 contact in the first 8 weeks (practice: about 4)." in own.content.decode()
    assert "target: 24 hours" not in own.content.decode()


def test_the_hours_count_on_while_the_match_is_not_active(mworld) -> None:
    family = mworld.objects["family"]
    match = offered_match(mworld, family, mworld.objects["ana"])
    intake = contacts.intake_of(match)
    type(intake).objects.filter(pk=intake.pk).update(done_at=timezone.now() - timedelta(hours=50))
    early = contacts.early_measures(Match.objects.get(pk=match.pk))
    assert early.hours == 50 and early.hours_target == 48 and early.hours_over
    assert not early.started and early.contacts == 0


def test_the_page_in_spanish(mworld) -> None:
    match = active_match(mworld, mworld.objects["family"], mworld.objects["ana"])
    mworld.coordinator.language = "es"
    mworld.coordinator.save(update_fields=["language"])
    page = mworld.client("coordinator").get(reverse("matching:match", args=[match.pk]))
    assert page.status_code == 200
    assert "0 contactos en las primeras 8 semanas (práctica: unos 4)." in page.content.decode()
