"""Training attendance and hours, supervision sessions, check-ins and the escalation queue."""

import re
from decimal import Decimal
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.audit.states import TransitionError
from kindred.core.testing.access import denials
from kindred.mentors.hours import hours_by_mentor, volunteer_hours
from kindred.mentors.models import (
    Attendance,
    Escalation,
    ModuleCompletion,
    SupervisionSession,
    TrainingCourse,
    WellbeingCheckIn,
)
from kindred.mentors.tests.factories import make_active, make_cohort, make_course
from kindred.programs.permissions import Cap

pytestmark = pytest.mark.django_db


def test_it_completes_modules_from_attendance_and_adds_up_hours(mentor_world) -> None:
    w = mentor_world
    course = make_course(w.program_a)
    a = make_active(w.program_a, w.coordinator, email="a@example.test")
    b = make_active(w.program_a, w.coordinator, email="b@example.test")
    cohort = make_cohort(w.program_a, course, [a, b])
    first = cohort.sessions.first()
    client = w.client("coordinator")
    response = client.post(
        reverse("mentors:attendance", args=[first.pk]), {"present": [str(a.pk), "junk"]}
    )
    assert response.status_code == 302
    assert ModuleCompletion.objects.filter(mentor=a).count() == 1
    assert not ModuleCompletion.objects.filter(mentor=b).exists()
    # Unmarking withdraws the completion it created.
    client.post(reverse("mentors:attendance", args=[first.pk]), {"present": [str(b.pk)]})
    assert not ModuleCompletion.objects.filter(mentor=a).exists()
    session = SupervisionSession.objects.create(
        program=w.program_a,
        kind="group",
        held_on=timezone.localdate(),
        duration_minutes=90,
        supervisor=w.supervisor,
        recorded_by=w.supervisor,
    )
    session.mentors.set([a, b])
    hours = hours_by_mentor(w.program_a)
    assert hours[b.pk] == {
        "training": Decimal("4"),
        "supervision": Decimal("1.5"),
        "total": Decimal("5.5"),
    }
    assert volunteer_hours(w.program_a) == {
        "training": Decimal("4"),
        "supervision": Decimal("3.0"),
        "total": Decimal("7.0"),
    }
    page = client.get(reverse("mentors:hours")).content.decode()
    assert "7.0" in page


@pytest.mark.parametrize("year", ["0", "10000", "-1", "99999999999999999999", "2026x", ""])
def test_it_refuses_a_year_it_cannot_count_with_a_clear_400(mentor_world, year) -> None:
    mentor_world.users["coordinator"].language = "es"
    mentor_world.users["coordinator"].save(update_fields=["language"])
    client = mentor_world.client("coordinator")
    response = client.get(reverse("mentors:hours"), {"year": year})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Elija un año entre 1900 y 2100." in page or "Este campo es obligatorio." in page
    assert "Program total" not in page


def test_it_shows_the_hours_of_the_year_asked_for(mentor_world) -> None:
    response = mentor_world.client("coordinator").get(reverse("mentors:hours"), {"year": "2024"})
    assert response.status_code == 200
    assert "Volunteer hours in 2024" in response.content.decode()


def test_it_refuses_the_hours_page_to_another_programs_coordinator_in_their_own_program(
    mentor_world,
) -> None:
    # The page is of "the current program": the outsider sees program B's hours, never A's.
    w = mentor_world
    a = make_active(w.program_a, w.coordinator, email="hours-a@example.test")
    response = w.client("outsider").get(reverse("mentors:hours"), {"year": "0"})
    assert response.status_code == 400
    assert a.full_name not in response.content.decode()


def test_it_refuses_attendance_for_another_program(mentor_world) -> None:
    w = mentor_world
    course = make_course(w.program_a)
    a = make_active(w.program_a, w.coordinator)
    cohort = make_cohort(w.program_a, course, [a])
    response = w.client("outsider").post(
        reverse("mentors:attendance", args=[cohort.sessions.first().pk]), {"present": [str(a.pk)]}
    )
    assert response.status_code == 404
    assert not ModuleCompletion.objects.exists()


def test_it_records_a_supervision_session_and_checks_individual_sessions(mentor_world) -> None:
    w = mentor_world
    a = make_active(w.program_a, w.coordinator, email="a@example.test")
    b = make_active(w.program_a, w.coordinator, email="b@example.test")
    client = w.client("supervisor")
    data = {
        "kind": "individual",
        "held_on": timezone.localdate().isoformat(),
        "duration_minutes": "45",
        "mentors": [a.pk, b.pk],
        "topics": "Boundaries",
    }
    response = client.post(reverse("mentors:session_new"), data)
    assert response.status_code == 400 and "exactly one" in response.content.decode()
    assert not SupervisionSession.objects.exists()
    response = client.post(reverse("mentors:session_new"), {**data, "mentors": [a.pk]})
    assert response.status_code == 302
    assert SupervisionSession.objects.get().supervisor == w.supervisor


def test_it_shows_escalations_to_supervisors_and_resolves_them_with_notes(mentor_world) -> None:
    w = mentor_world
    mentor = make_active(w.program_a, w.coordinator)
    urgent = Escalation.objects.create(
        program=w.program_a,
        mentor=mentor,
        raised_by=w.coordinator,
        concern="Safety concern at home",
        severity="urgent",
    )
    Escalation.objects.create(
        program=w.program_a, mentor=mentor, raised_by=w.coordinator, concern="Low", severity="low"
    )
    client = w.client("supervisor")
    queue = client.get(reverse("mentors:supervision")).content.decode()
    assert queue.index("Urgent") < queue.index("Low")
    assert (
        w.client("outsider").get(reverse("mentors:escalation", args=[urgent.pk])).status_code == 404
    )
    # A mentor of the same program has no supervision capability: refused, not hidden.
    assert (
        w.client("mentor").get(reverse("mentors:escalation", args=[urgent.pk])).status_code == 403
    )
    response = client.post(reverse("mentors:escalation_resolve", args=[urgent.pk]), {"notes": ""})
    assert response.status_code == 400
    urgent.refresh_from_db()
    assert urgent.status == "open"
    client.post(reverse("mentors:escalation_acknowledge", args=[urgent.pk]))
    client.post(
        reverse("mentors:escalation_resolve", args=[urgent.pk]),
        {"notes": "Called the family with the SW."},
    )
    urgent.refresh_from_db()
    assert urgent.status == "resolved" and urgent.resolved_by == w.supervisor
    assert [c.to_status for c in urgent.transitions.all()] == ["acknowledged", "resolved"]
    with pytest.raises(TransitionError):
        urgent.acknowledge(by=w.supervisor)


def test_it_refuses_a_resolved_escalation_without_notes_in_the_database(mentor_world) -> None:
    w = mentor_world
    mentor = make_active(w.program_a, w.coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.create(
            program=w.program_a,
            mentor=mentor,
            raised_by=w.coordinator,
            concern="x",
            status="resolved",
            resolved_at=timezone.now(),
        )


def test_it_takes_a_mentor_check_in_and_shows_a_struggling_one_to_supervisors(mentor_world) -> None:
    w = mentor_world
    make_active(w.program_a, w.coordinator, email="mentor@a.test", full_name="Tired Partner")
    client = w.client("mentor")
    response = client.post(
        reverse("mentors:checkin"),
        {"score": "9", "workload": "right", "notes": "A long week at the NICU"},
    )
    # Invalid: the home page again with the answers kept and the error next to the score.
    assert response.status_code == 400
    assert response.context["checkin_form"].errors["score"]
    page = response.content.decode()
    assert re.search(r'name="workload" value="right"[^>]*checked', page)
    assert "A long week at the NICU" in page
    assert not WellbeingCheckIn.objects.exists()
    client.post(
        reverse("mentors:checkin"), {"score": "2", "workload": "too_much", "wants_to_talk": "on"}
    )
    checkin = WellbeingCheckIn.objects.get()
    assert checkin.needs_attention
    page = w.client("supervisor").get(reverse("mentors:supervision")).content.decode()
    assert "Tired Partner" in page
    w.client("supervisor").post(reverse("mentors:checkin_seen", args=[checkin.pk]))
    checkin.refresh_from_db()
    assert checkin.seen_by == w.supervisor
    assert (
        "Tired Partner"
        not in w.client("supervisor").get(reverse("mentors:supervision")).content.decode()
    )


def test_it_creates_courses_modules_and_cohorts_with_clear_errors(mentor_world) -> None:
    w = mentor_world
    client = w.client("coordinator")
    response = client.post(
        reverse("mentors:training"),
        {"course-title": "Initial", "course-required_for_activation": "on"},
    )
    assert response.status_code == 302
    course_url = response["Location"]
    bad = client.post(
        course_url,
        {
            "module-title": "Too long",
            "module-hours": "80",
            "module-delivery": "online",
            "module-position": "0",
        },
    )
    assert bad.status_code == 400 and "between 0.5 and 40" in bad.content.decode()
    ok = client.post(
        course_url,
        {
            "module-title": "Shared experience",
            "module-hours": "4",
            "module-delivery": "online",
            "module-position": "0",
        },
    )
    assert ok.status_code == 302
    assert (
        w.client("supervisor")
        .post(
            course_url,
            {
                "module-title": "x",
                "module-hours": "1",
                "module-delivery": "online",
                "module-position": "0",
            },
        )
        .status_code
        == 403
    )
    assert denials("mentors.trainingcourse")[-1][1:] == (
        w.program_a.pk,
        str(TrainingCourse.objects.get(title="Initial").pk),
        {"capability": Cap.MENTORS_MANAGE},
    )


def test_it_adds_people_to_an_existing_cohort(mentor_world) -> None:
    w = mentor_world
    course = make_course(w.program_a)
    a = make_active(w.program_a, w.coordinator, email="a@example.test", full_name="First Person")
    b = make_active(w.program_a, w.coordinator, email="b@example.test", full_name="Late Joiner")
    cohort = make_cohort(w.program_a, course, [a])
    url = reverse("mentors:cohort", args=[cohort.pk])
    page = w.client("coordinator").get(url).content.decode()
    assert "Late Joiner" in page
    bad = w.client("coordinator").post(url, {"add_members": "1", "members-mentors": ["999999"]})
    assert bad.status_code == 400 and cohort.mentors.count() == 1
    w.client("coordinator").post(url, {"add_members": "1", "members-mentors": [str(b.pk)]})
    assert set(cohort.mentors.all()) == {a, b}
    assert (
        w.client("supervisor")
        .post(url, {"add_members": "1", "members-mentors": [str(b.pk)]})
        .status_code
        == 403
    )
    assert denials("mentors.trainingcohort") == [
        (w.supervisor.pk, w.program_a.pk, str(cohort.pk), {"capability": Cap.MENTORS_MANAGE})
    ]


def test_it_audits_attendance_in_its_transaction(mentor_world) -> None:
    w = mentor_world
    course = make_course(w.program_a)
    mentor = make_active(w.program_a, w.coordinator)
    session = make_cohort(w.program_a, course, [mentor]).sessions.first()
    url = reverse("mentors:attendance", args=[session.pk])
    with (
        mock.patch("kindred.mentors.models.training.record", side_effect=RuntimeError("down")),
        pytest.raises(RuntimeError),
    ):
        w.client("coordinator").post(url, {"present": [str(mentor.pk)]})
    assert not Attendance.objects.exists() and not ModuleCompletion.objects.exists()
    w.client("coordinator").post(url, {"present": [str(mentor.pk)]})
    event = AuditEvent.objects.get(action="mentors.attendance.changed")
    assert (event.actor, event.program_id, event.detail) == (
        w.coordinator,
        w.program_a.pk,
        {"present": 1},
    )


def test_it_marks_a_check_in_followed_up_once_and_audited_with_it(mentor_world) -> None:
    w = mentor_world
    mentor = make_active(w.program_a, w.coordinator)
    checkin = WellbeingCheckIn.objects.create(mentor=mentor, score=1, workload="heavy", by=w.mentor)
    url = reverse("mentors:checkin_seen", args=[checkin.pk])
    client = w.client("supervisor")
    with (
        mock.patch("kindred.mentors.supervision_views.record", side_effect=RuntimeError("down")),
        pytest.raises(RuntimeError),
    ):
        client.post(url)
    assert WellbeingCheckIn.objects.get(pk=checkin.pk).seen_at is None
    client.post(url)
    client.post(url)
    assert WellbeingCheckIn.objects.get(pk=checkin.pk).seen_by == w.supervisor
    assert AuditEvent.objects.filter(action="mentors.wellbeingcheckin.seen").count() == 1


@pytest.fixture
def busy_program(mentor_world):
    """Program A with 6 mentors in 3 cohorts of 3 courses of 5 modules (attendance marked), 4
    acknowledged escalations, 4 check-ins needing a follow-up and 4 supervision sessions: enough
    rows that a query per row would show in the counts below."""
    w = mentor_world
    mentors = [
        make_active(w.program_a, w.coordinator, email=f"m{n}@example.test", full_name=f"Mentor {n}")
        for n in range(6)
    ]
    cohorts = []
    for n in range(3):
        course = make_course(w.program_a)
        for position in range(3, 6):
            course.modules.create(title=f"Module {position}", hours=2, position=position)
        cohort = make_cohort(w.program_a, course, mentors[n : n + 4])
        for session in cohort.sessions.all():
            session.record_attendance(
                present_ids={m.pk for m in mentors[n : n + 3]}, by=w.coordinator
            )
        cohorts.append(cohort)
    escalations = []
    for n, mentor in enumerate(mentors[:4]):
        escalation = Escalation.objects.create(
            program=w.program_a,
            mentor=mentor,
            raised_by=w.coordinator,
            concern=f"Concern {n}",
            severity=["urgent", "high", "medium", "low"][n],
        )
        escalation.acknowledge(by=w.supervisor)
        escalations.append(escalation)
        WellbeingCheckIn.objects.create(
            mentor=mentor, score=2, workload="too_much", wants_to_talk=True, by=w.coordinator
        )
        session = SupervisionSession.objects.create(
            program=w.program_a,
            kind="group",
            held_on=timezone.localdate(),
            duration_minutes=60,
            supervisor=w.supervisor,
            recorded_by=w.supervisor,
        )
        session.mentors.set(mentors[n : n + 3])
    return {"world": w, "mentors": mentors, "cohorts": cohorts, "escalations": escalations}


def _page(world, persona: str, url: str, most: int, assert_max) -> str:
    """The page as a persona's first request after signing in, in at most `most` queries."""
    client = world.client(persona)
    with assert_max(most):
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_it_shows_the_supervision_pages_in_few_queries(
    busy_program, django_assert_max_num_queries
) -> None:
    w, guard = busy_program["world"], django_assert_max_num_queries
    queue = _page(w, "supervisor", reverse("mentors:supervision"), 15, guard)
    assert all(f"Mentor {n}" in queue for n in range(4))
    assert queue.count("asked to talk") == 4 and "Mentor 0, Mentor 1, Mentor 2" in queue
    escalation = busy_program["escalations"][0]
    detail = _page(w, "supervisor", reverse("mentors:escalation", args=[escalation.pk]), 14, guard)
    assert "Concern 0" in detail and "Acknowledged" in detail
    form = _page(w, "supervisor", reverse("mentors:session_new"), 10, guard)
    assert "Mentor 5" in form


def test_it_shows_the_training_pages_in_few_queries(
    busy_program, django_assert_max_num_queries
) -> None:
    w, guard = busy_program["world"], django_assert_max_num_queries
    training = _page(w, "coordinator", reverse("mentors:training"), 12, guard)
    assert training.count("Spring cohort") == 3
    cohort = busy_program["cohorts"][0]
    page = _page(w, "coordinator", reverse("mentors:cohort", args=[cohort.pk]), 17, guard)
    assert "Mentor 3" in page and "Module 5" in page
    assert page.count(" checked>") == 15  # 3 present at each of the 5 sessions
    course = _page(w, "coordinator", reverse("mentors:course", args=[cohort.course_id]), 12, guard)
    assert "Navigating health systems" in course and "Module 5" in course
    hours = _page(w, "coordinator", reverse("mentors:hours"), 15, guard)
    assert all(f"Mentor {n}" in hours for n in range(6))
