from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kindred.matching.models import MatchSettings
from kindred.matching.reminders import send_match_reminders
from kindred.matching.tests.factories import active_match

pytestmark = pytest.mark.django_db


def test_fit_check_and_end_reminders_are_sent_once(
    mworld, django_capture_on_commit_callbacks
) -> None:
    MatchSettings.objects.create(
        program=mworld.program_a, duration_weeks=4, remind_days_before_end=7
    )
    match = active_match(mworld, mworld.objects["family"], mworld.objects["ana"])
    today = timezone.localdate()
    assert send_match_reminders(today) == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_match_reminders(today + timedelta(days=14)) == 1
    fit = [m for m in mail.outbox if m.subject == "Is it a good fit?"]
    assert {m.to[0] for m in fit} == {"mentor@a.test", "coordinator@a.test"}
    assert all(reverse("matching:match", args=[match.pk]) in m.body for m in fit)
    assert send_match_reminders(today + timedelta(days=15)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert send_match_reminders(today + timedelta(days=21)) == 1
    assert any(m.subject == "A match ends soon" for m in mail.outbox)
    assert send_match_reminders(today + timedelta(days=22)) == 0
    call_command("send_match_reminders", "--on", (today + timedelta(days=23)).isoformat())


def test_the_referrer_sees_matched_when_the_family_agreed(mworld) -> None:
    family = mworld.objects["family"]
    active_match(mworld, family, mworld.objects["ana"])
    referral = family.referrals.get()
    page = mworld.client("referrer").get(reverse("referrals:sent_detail", args=[referral.pk]))
    assert page.status_code == 200
    assert page.context["referral"].supported_at is not None


def test_an_expired_qualification_withdraws_the_open_offers(mworld) -> None:
    from kindred.matching.tests.factories import offered_match
    from kindred.mentors.models import Qualification

    ana = mworld.objects["ana"]
    match = offered_match(mworld, mworld.objects["family"], ana)
    yesterday = timezone.localdate() - timedelta(days=1)
    Qualification.objects.filter(mentor=ana).update(
        obtained_on=yesterday - timedelta(days=400), expires_on=yesterday
    )
    assert send_match_reminders() == 1
    match.refresh_from_db()
    ana.refresh_from_db()
    assert (
        match.status == "withdrawn" and "cannot be matched now" in match.transitions.last().reason
    )
    assert ana.active_family_count == 0
