"""The mentor lifecycle: the mentor record and its status history, screening, qualifications
(mentor.py), training (training.py), supervision, well-being and escalations (supervision.py)."""

from kindred.mentors.models.mentor import (
    CARE_SETTINGS,
    Mentor,
    MentorStatusChange,
    Qualification,
    QualificationType,
    ScreeningItem,
    ScreeningRecord,
)
from kindred.mentors.models.supervision import (
    Escalation,
    EscalationChange,
    SupervisionSession,
    WellbeingCheckIn,
)
from kindred.mentors.models.training import (
    Attendance,
    ModuleCompletion,
    TrainingCohort,
    TrainingCourse,
    TrainingModule,
    TrainingSession,
)

__all__ = [
    "CARE_SETTINGS",
    "Attendance",
    "Escalation",
    "EscalationChange",
    "Mentor",
    "MentorStatusChange",
    "ModuleCompletion",
    "Qualification",
    "QualificationType",
    "ScreeningItem",
    "ScreeningRecord",
    "SupervisionSession",
    "TrainingCohort",
    "TrainingCourse",
    "TrainingModule",
    "TrainingSession",
    "WellbeingCheckIn",
]
