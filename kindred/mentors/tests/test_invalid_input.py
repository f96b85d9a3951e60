"""Invalid input on the mentors pages: the page again with what was typed and the error next to
it (status 400), nothing written; a refusal of the lifecycle is said on the form, not in a
message after a redirect."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kindred.mentors.models import (
    Attendance,
    Escalation,
    Mentor,
    MentorStatusChange,
    TrainingSession,
)
from kindred.mentors.tests.factories import make_active, make_applicant, make_cohort, make_course

pytestmark = pytest.mark.django_db


def test_it_keeps_a_status_change_the_form_refuses(mentor_world) -> None:
    w = mentor_world
    mentor = make_applicant(w.program_a)
    before = MentorStatusChange.objects.count()
    response = w.client("coordinator").post(
        reverse("mentors:status", args=[mentor.pk]),
        {"to": "retired-to-the-moon", "reason": "A reason worth keeping"},
    )
    assert response.status_code == 400
    assert response.context["status_form"].errors["to"]
    assert "A reason worth keeping" in response.content.decode()
    mentor.refresh_from_db()
    assert mentor.status == Mentor.Status.APPLICANT
    assert MentorStatusChange.objects.count() == before


def test_it_says_a_lifecycle_refusal_on_the_status_form(mentor_world) -> None:
    w = mentor_world
    mentor = make_active(w.program_a, w.coordinator)
    before = MentorStatusChange.objects.count()
    response = w.client("coordinator").post(
        reverse("mentors:status", args=[mentor.pk]),
        {"to": "paused", "reason": "Time with a newborn"},
    )
    assert response.status_code == 400
    form = response.context["status_form"]
    assert form.errors["paused_until"] == ["Please give the date they plan to return."]
    page = response.content.decode()
    assert "Please give the date they plan to return." in page and "Time with a newborn" in page
    mentor.refresh_from_db()
    assert mentor.status == Mentor.Status.ACTIVE
    assert MentorStatusChange.objects.count() == before


def test_it_refuses_an_invitation_on_the_profile(mentor_world) -> None:
    w = mentor_world
    mentor = make_applicant(w.program_a)
    response = w.client("coordinator").post(reverse("mentors:invite", args=[mentor.pk]))
    assert response.status_code == 400
    assert "without an account can be invited" in response.content.decode()
    mentor.refresh_from_db()
    assert mentor.user_id is None


def test_it_refuses_to_resolve_an_escalation_resolved_meanwhile(mentor_world) -> None:
    w = mentor_world
    mentor = make_active(w.program_a, w.coordinator)
    escalation = Escalation.objects.create(
        program=w.program_a, mentor=mentor, raised_by=w.supervisor, concern="Hard week"
    )
    escalation.resolve(by=w.coordinator, notes="Talked it through")
    client = w.client("supervisor")
    response = client.post(
        reverse("mentors:escalation_resolve", args=[escalation.pk]),
        {"notes": "My own notes, not lost"},
    )
    assert response.status_code == 400
    assert response.context["refused"]
    refusal = response.context["refused"][0]
    assert refusal in response.content.decode()
    response = client.post(reverse("mentors:escalation_acknowledge", args=[escalation.pk]))
    assert response.status_code == 400
    assert response.context["refused"][0] in response.content.decode()
    assert escalation.transitions.count() == 1
    escalation.refresh_from_db()
    assert escalation.resolution_notes == "Talked it through"


def test_it_refuses_attendance_before_the_session_with_the_ticks_kept(mentor_world) -> None:
    w = mentor_world
    mentor = make_active(w.program_a, w.coordinator)
    cohort = make_cohort(w.program_a, make_course(w.program_a), [mentor])
    session = TrainingSession.objects.create(
        cohort=cohort,
        module=cohort.course.modules.first(),
        held_on=timezone.localdate() + timedelta(days=3),
    )
    response = w.client("coordinator").post(
        reverse("mentors:attendance", args=[session.pk]), {"present": [mentor.pk]}
    )
    assert response.status_code == 400
    assert "Attendance can be marked once the session has been held." in response.content.decode()
    row = next(r for r in response.context["sessions"] if r["session"].pk == session.pk)
    assert row["ticked"] == {mentor.pk}
    assert not Attendance.objects.filter(session=session).exists()


def test_it_validates_ownership_of_the_forms_that_answer_400(mentor_world) -> None:
    w = mentor_world
    mentor = make_active(w.program_a, w.coordinator)
    outsider = w.client("outsider")
    assert outsider.post(reverse("mentors:status", args=[mentor.pk]), {}).status_code == 404
    assert outsider.post(reverse("mentors:invite", args=[mentor.pk])).status_code == 404
    mentor.refresh_from_db()
    assert mentor.status == Mentor.Status.ACTIVE
