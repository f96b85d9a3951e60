"""Reminders about qualifications that expire: once, in each recipient's language, no details."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from kindred.mentors.models import QualificationType
from kindred.mentors.reminders import send_qualification_reminders
from kindred.mentors.services import qualification_record
from kindred.mentors.tests.factories import make_active

pytestmark = pytest.mark.django_db


def test_it_reminds_the_mentor_and_coordinators_once_per_expiry(
    mentor_world, django_capture_on_commit_callbacks
) -> None:
    w = mentor_world
    w.coordinator.language = "es"
    w.coordinator.save()
    mentor = make_active(
        w.program_a, w.coordinator, preferred_language="en", treatments="Chemotherapy"
    )
    refresher = QualificationType.objects.get(program=w.program_a, name="Annual refresher training")
    expiry = mentor.qualifications.get(type=refresher).expires_on
    too_early = expiry - timedelta(days=refresher.remind_days_before + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_qualification_reminders(too_early) == 0
    assert not mail.outbox
    # 30 days before: the refresher and the confidentiality agreement (both 12 months) are due.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_qualification_reminders(expiry - timedelta(days=30)) == 2
    to_mentor = [m for m in mail.outbox if m.to == ["alma.reyes@example.test"]]
    to_coordinator = [m for m in mail.outbox if m.to == ["coordinator@a.test"]]
    assert len(to_mentor) == 2 and len(to_coordinator) == 1
    assert "Annual refresher training" in " ".join(m.subject for m in to_mentor)
    assert "/mentors/home/" in to_mentor[0].body
    assert "Family Partner" in to_coordinator[0].body and "/mentors/" in to_coordinator[0].body
    for message in mail.outbox:
        assert "Chemotherapy" not in message.body and "Alma" not in message.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_qualification_reminders(expiry - timedelta(days=29)) == 0
    assert not mail.outbox


def test_it_does_not_remind_about_a_renewed_qualification(
    mentor_world, django_capture_on_commit_callbacks
) -> None:
    w = mentor_world
    mentor = make_active(w.program_a, w.coordinator)  # qualifications obtained 10 days ago
    today = timezone.localdate()
    for qtype in QualificationType.objects.filter(
        program=w.program_a, validity_months=12, required_for_matching=True
    ):
        qualification_record(
            mentor=mentor, type=qtype, obtained_on=today - timedelta(days=340), by=w.coordinator
        )
    # The older ones expire in 25 days but were renewed since: nothing is due.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_qualification_reminders(today) == 0
    assert not mail.outbox


def test_it_runs_from_the_daily_command(
    mentor_world, django_capture_on_commit_callbacks, capsys
) -> None:
    w = mentor_world
    mentor = make_active(w.program_a, w.coordinator)
    expiry = mentor.qualifications.filter(type__validity_months=12).first().expires_on
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "send_qualification_reminders", "--on", (expiry + timedelta(days=1)).isoformat()
        )
    assert "Reminded about 2 qualification(s)." in capsys.readouterr().out
    # The applicant chose Spanish; the coordinator reads English.
    assert any(
        m.subject.startswith("Un requisito ha vencido")
        for m in mail.outbox
        if m.to == ["alma.reyes@example.test"]
    )
    assert any(
        m.subject.startswith("Qualifications to renew")
        for m in mail.outbox
        if m.to == ["coordinator@a.test"]
    )
