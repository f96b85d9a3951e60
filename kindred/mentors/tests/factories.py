"""Building mentors for tests and the walk through the real services and model methods."""

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from kindred.mentors.models import (
    Mentor,
    QualificationType,
    ScreeningItem,
    TrainingCohort,
    TrainingCourse,
    TrainingModule,
    TrainingSession,
)
from kindred.mentors.services import (
    mentor_apply,
    mentor_change_status,
    program_ensure_mentor_lists,
    qualification_record,
    screening_record,
)


def application_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "full_name": "Alma Reyes",
        "email": "alma.reyes@example.test",
        "phone": "555-201-3344",
        "preferred_language": "es",
        "languages": ["es", "en"],
        "postal_code": "60614",
        "travel": Mentor.Travel.MILES_10,
        "treatments": "Cirugía de corazón abierto",
        "care_settings": ["nicu", "cardiac"],
        "availability_days": ["tue", "thu"],
        "availability_times": ["evening"],
        "availability_notes": "",
        "motivation": "Quiero acompañar a otras familias como me acompañaron a mí.",
        "references": "Ana Ruiz 555-0101; Dr. Lee 555-0102",
    }
    data.update(overrides)
    return data


def make_applicant(program: Any, **overrides: Any) -> Mentor:
    return mentor_apply(program=program, data=application_data(**overrides))


def screen_fully(mentor: Mentor, by: Any) -> None:
    for item in ScreeningItem.objects.filter(program=mentor.program, required=True):
        screening_record(
            mentor=mentor, item=item, result="passed", done_on=timezone.localdate(), notes="", by=by
        )


def qualify_fully(mentor: Mentor, by: Any, obtained_on: date | None = None) -> None:
    obtained_on = obtained_on or timezone.localdate() - timedelta(days=10)
    for qualification_type in QualificationType.objects.filter(
        program=mentor.program, required_for_matching=True
    ):
        qualification_record(mentor=mentor, type=qualification_type, obtained_on=obtained_on, by=by)


def make_active(program: Any, by: Any, **overrides: Any) -> Mentor:
    """An applicant taken through screening and training to active, fully qualified."""
    mentor = make_applicant(program, **overrides)
    mentor_change_status(mentor=mentor, to="screening", by=by)
    screen_fully(mentor, by)
    mentor_change_status(mentor=mentor, to="training", by=by)
    mentor_change_status(mentor=mentor, to="active", by=by)
    qualify_fully(mentor, by)
    return mentor


def make_course(program: Any, *, required: bool = False) -> TrainingCourse:
    course = TrainingCourse.objects.create(
        program=program, title="Initial training", required_for_activation=required
    )
    TrainingModule.objects.create(course=course, title="The shared experience", hours=4, position=1)
    TrainingModule.objects.create(
        course=course, title="Navigating health systems", hours=4, position=2
    )
    return course


def make_cohort(program: Any, course: TrainingCourse, mentors: list[Mentor]) -> TrainingCohort:
    cohort = TrainingCohort.objects.create(
        program=program,
        course=course,
        name="Spring cohort",
        starts_on=timezone.localdate() - timedelta(days=14),
    )
    cohort.mentors.set(mentors)
    for i, module in enumerate(course.modules.all()):
        TrainingSession.objects.create(
            cohort=cohort, module=module, held_on=timezone.localdate() - timedelta(days=14 - i)
        )
    return cohort


def ensure_lists(program: Any) -> None:
    program_ensure_mentor_lists(program=program)
