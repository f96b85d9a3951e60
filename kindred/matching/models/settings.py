from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kindred.matching.engine import CRITERIA, Level

# The program's default weight per criterion until a coordinator sets them (P2P practice: the
# family's primary reason, the condition and the language first).
DEFAULT_WEIGHTS: dict[str, int] = {
    "language": Level.HIGH,
    "condition": Level.HIGH,
    "experience": Level.HIGH,
    "treatment": Level.MEDIUM,
    "care_setting": Level.LOW,
    "child_age": Level.MEDIUM,
    "distance": Level.LOW,
    "gender": Level.LOW,
    "culture": Level.LOW,
    "family_situation": Level.MEDIUM,
    "recency": Level.LOW,
    "load": Level.MEDIUM,
}

CRITERION_LABELS = {
    "language": _("Language"),
    "condition": _("Child's condition"),
    "experience": _("Shared experiences (NICU stay, tracheostomy, ...)"),
    "treatment": _("Treatment and technology"),
    "care_setting": _("Care setting"),
    "child_age": _("Child's age"),
    "distance": _("Distance"),
    "gender": _("Gender, when the family asks"),
    "culture": _("Culture, when the family asks"),
    "family_situation": _("Family situation"),
    "recency": _("How recent the mentor's experience is"),
    "load": _("The mentor's current load"),
}

LEVEL_CHOICES = [
    (Level.MUST.value, _("Must have")),
    (Level.HIGH.value, _("High")),
    (Level.MEDIUM.value, _("Medium")),
    (Level.LOW.value, _("Low")),
    (Level.IGNORE.value, _("Ignore")),
]


class MatchSettings(models.Model):
    """A program's matching rules: default weights, the match target, the match duration and
    the readiness rule. One row per program, created with the defaults on first use."""

    class Readiness(models.TextChoices):
        NONE = "none", _("No rule")
        OFF_TREATMENT = "off_treatment", _("The mentor's own child is off active treatment")
        ONE_YEAR = "one_year", _("At least a year since the mentor's own experience")

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="match_settings"
    )
    weights = models.JSONField(_("default weight per criterion"), default=dict, blank=True)
    target_hours = models.PositiveSmallIntegerField(
        _("match target (hours from intake)"),
        default=48,
        help_text=_("Parent to Parent practice: a match within 48 hours of intake."),
    )
    duration_weeks = models.PositiveSmallIntegerField(
        _("match duration (weeks)"),
        null=True,
        blank=True,
        help_text=_("Optional, e.g. 8. A match can be renewed; a reminder comes before the end."),
    )
    remind_days_before_end = models.PositiveSmallIntegerField(
        _("remind before the end (days)"), default=7
    )
    fit_check_days = models.PositiveSmallIntegerField(_("early fit check after (days)"), default=14)
    readiness = models.CharField(
        _("readiness rule"),
        max_length=20,
        choices=Readiness.choices,
        default=Readiness.NONE,
        help_text=_("What a mentor must meet before being proposed to a family."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("matching settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_hours__gte=1, target_hours__lte=720),
                name="matching_settings_target_range",
            ),
            models.CheckConstraint(
                condition=Q(duration_weeks__isnull=True)
                | Q(duration_weeks__gte=1, duration_weeks__lte=104),
                name="matching_settings_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(fit_check_days__gte=1, fit_check_days__lte=90),
                name="matching_settings_fit_check_range",
            ),
            models.CheckConstraint(
                condition=Q(readiness__in=["none", "off_treatment", "one_year"]),
                name="matching_settings_readiness_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"matching settings of {self.program_id}"

    @classmethod
    def for_program(cls, program: Any) -> "MatchSettings":
        program_id = getattr(program, "pk", program)
        found = cls.objects.filter(program_id=program_id).first()
        return found or cls(program_id=program_id)

    def weight(self, criterion: str) -> Level:
        value = (self.weights or {}).get(criterion, DEFAULT_WEIGHTS[criterion])
        try:
            return Level(int(value))
        except (TypeError, ValueError):
            return Level(DEFAULT_WEIGHTS[criterion])

    def default_levels(self) -> dict[str, Level]:
        return {criterion: self.weight(criterion) for criterion in CRITERIA}
