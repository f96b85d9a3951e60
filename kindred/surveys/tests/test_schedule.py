"""Who is asked, and when: found from the intake, match and group records; idempotent."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from kindred.families.consent import Scope, consent_record
from kindred.families.models import Consent
from kindred.groups.models import Attendance
from kindred.groups.schedule import occurrences, session_for
from kindred.groups.tests.factories import make_family, make_group
from kindred.matching import services as matching
from kindred.matching.models import Match
from kindred.matching.tests.factories import active_match, matchable_mentor, waiting_family
from kindred.surveys.models import Invitation, SampleDraw
from kindred.surveys.schedule import send_due
from kindred.surveys.tests.factories import invite, starters

pytestmark = pytest.mark.django_db


def run(django_capture_on_commit_callbacks, **kwargs) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return send_due(**kwargs)


def test_an_intake_asks_the_baseline_in_the_familys_language(
    world, django_capture_on_commit_callbacks
) -> None:
    survey, _mentor = starters(world.program_a)
    family = waiting_family(world, name="Quintero", language="es")
    family.caregivers.update(email="quintero@example.test")
    assert run(django_capture_on_commit_callbacks) == 1
    invitation = Invitation.objects.get(occasion="intake")
    assert (invitation.family_id, invitation.survey_id, invitation.language) == (
        family.pk,
        survey.pk,
        "es",
    )
    message = mail.outbox[-1]
    assert message.to == ["quintero@example.test"]
    assert "unas preguntas" in message.subject
    assert "/surveys/r/" in message.body
    # No health information and no name in the e-mail: only the program and the link.
    for secret in ("Quintero", "Teo", "Marisol", "intake"):
        assert secret not in message.body and secret not in message.subject
    # Idempotent: a second run asks nobody again.
    assert run(django_capture_on_commit_callbacks) == 0
    assert Invitation.objects.count() == 1


def test_a_match_is_asked_at_its_fit_check_and_close_the_mentor_too(
    world, django_capture_on_commit_callbacks
) -> None:
    family_survey, mentor_survey = starters(world.program_a)
    family = waiting_family(world, name="Baker", language="en")
    family.caregivers.update(email="baker@example.test")
    mentor = matchable_mentor(world, name="Rosa Mentor", email="rosa@example.test")
    match = active_match(world, family, mentor)
    Match.objects.filter(pk=match.pk).update(fit_check_due=timezone.localdate())
    run(django_capture_on_commit_callbacks)
    assert Invitation.objects.filter(occasion="fit_check", match=match, family=family).count() == 1
    match.refresh_from_db()
    matching.close(match=match, by=world.coordinator, code="goals_met")
    run(django_capture_on_commit_callbacks)
    close = Invitation.objects.filter(occasion="match_close", match=match)
    assert set(close.values_list("survey_id", flat=True)) == {family_survey.pk, mentor_survey.pk}
    assert close.get(survey=mentor_survey).mentor_id == mentor.pk
    assert "rosa@example.test" in [m.to[0] for m in mail.outbox]
    assert run(django_capture_on_commit_callbacks) == 0


def _attend(group, family, count: int, now) -> None:
    found = occurrences([group], now - timedelta(days=400), now)
    for occurrence in found[:count]:
        Attendance.objects.create(session=session_for(occurrence), family=family, present=True)


def test_a_family_is_asked_after_its_third_group_session(
    world, django_capture_on_commit_callbacks
) -> None:
    starters(world.program_a)
    now = timezone.now()
    group = make_group(
        world.program_a,
        world.coordinator,
        first_date=(now - timedelta(days=25)).date(),
        rrule="FREQ=WEEKLY",
    )
    twice = make_family(world.program_a, world.coordinator, "Twice")
    thrice = make_family(world.program_a, world.coordinator, "Thrice")
    _attend(group, twice, 2, now)
    _attend(group, thrice, 3, now)
    run(django_capture_on_commit_callbacks)
    asked = Invitation.objects.filter(occasion="group_third")
    assert list(asked.values_list("family_id", "group_id")) == [(thrice.pk, group.pk)]


def test_the_yearly_sample_asks_each_family_at_most_once_a_year(
    world, django_capture_on_commit_callbacks
) -> None:
    survey, _mentor = starters(world.program_a)
    survey.occasions = ["yearly"]
    survey.yearly_sample_size = 3
    survey.save()
    families = [make_family(world.program_a, world.coordinator, f"F{n}") for n in range(5)]
    now = timezone.make_aware(datetime(2026, 6, 1, 12))
    assert run(django_capture_on_commit_callbacks, now=now) == 3
    assert SampleDraw.objects.get(survey=survey).size == 3
    assert run(django_capture_on_commit_callbacks, now=now) == 0  # drawn once a year
    # Next year's first run: those asked within the last 365 days are left out.
    soon = timezone.make_aware(datetime(2027, 1, 15, 12))  # a new year, within 365 days
    run(django_capture_on_commit_callbacks, now=soon)
    asked = list(Invitation.objects.filter(occasion="yearly").values_list("family_id", flat=True))
    assert len(asked) == len(set(asked)) == 5  # the two left, never one twice
    assert {f.pk for f in families} >= set(Invitation.objects.values_list("family_id", flat=True))


def test_a_family_that_declined_or_may_not_be_contacted_is_not_asked(
    world, django_capture_on_commit_callbacks
) -> None:
    survey, _mentor = starters(world.program_a)
    survey.occasions = ["yearly"]
    survey.save()
    declined = make_family(world.program_a, world.coordinator, "Declined")
    invitation, _token = invite(survey, family=declined, occasion="group_third")
    Invitation.objects.filter(pk=invitation.pk).update(declined_at=timezone.now())
    withdrawn = make_family(world.program_a, world.coordinator, "Withdrawn")
    consent_record(
        family=withdrawn,
        scope=Scope.CONTACT,
        decision=Consent.Decision.WITHDRAWN,
        method=Consent.Method.VERBAL,
        by=world.coordinator,
    )
    willing = make_family(world.program_a, world.coordinator, "Willing")
    run(django_capture_on_commit_callbacks)
    asked = set(Invitation.objects.filter(occasion="yearly").values_list("family_id", flat=True))
    assert asked == {willing.pk}


def test_other_programs_are_not_mixed(world, django_capture_on_commit_callbacks) -> None:
    survey, _ = starters(world.program_a)
    survey.occasions = ["yearly"]
    survey.save()
    make_family(world.program_b, world.outsider, "Bravo")
    run(django_capture_on_commit_callbacks)
    assert not Invitation.objects.exists()  # program A has no families; B has no survey


def test_the_command_sends_and_can_queue(world, django_capture_on_commit_callbacks) -> None:
    survey, _ = starters(world.program_a)
    survey.occasions = ["yearly"]
    survey.save()
    make_family(world.program_a, world.coordinator, "Ames")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_due_surveys")
    assert Invitation.objects.count() == 1
    call_command("send_due_surveys", "--enqueue")
