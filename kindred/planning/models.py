"""Readiness assessments, the program plan with its versions, and the plan's objectives."""

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.audit.states import Stateful, TransitionRow
from kindred.planning.readiness import Answer
from kindred.programs.access import ScopedQuerySet
from kindred.programs.permissions import Cap


class AssessmentQuerySet(ScopedQuerySet["ReadinessAssessment"]):
    VIEW_CAPABILITY = Cap.PLANNING_EDIT


class ReadinessAssessment(Stateful):
    """One sitting of the readiness self-assessment. A draft is answered over several visits;
    once completed it is kept as it was, and the program retakes it as a new assessment."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("In progress")
        COMPLETED = "completed", _("Completed")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {"draft": {"completed"}}
    AUDIT_VERBS: ClassVar[dict[str, str]] = {"completed": "completed"}

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="readiness_assessments"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "completed"]),
                name="planning_readinessassessment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", completed_at__isnull=True)
                | Q(status="completed", completed_at__isnull=False),
                name="planning_readinessassessment_completed_has_date",
            ),
            # One draft at a time: a retake starts when the last one is completed.
            models.UniqueConstraint(
                fields=["program"],
                condition=Q(status="draft"),
                name="planning_readinessassessment_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"readiness assessment {self.pk} of {self.program_id}"

    def apply_transition(
        self, from_status: str, to: str, *, now: Any, reason: str, **extra: Any
    ) -> list[str]:
        if to == self.Status.COMPLETED:
            self.completed_at = now
            return ["completed_at"]
        return []

    @property
    def when(self) -> Any:
        return self.completed_at or self.started_at


class ReadinessTransition(TransitionRow):
    assessment = models.ForeignKey(
        ReadinessAssessment, on_delete=models.CASCADE, related_name="transitions"
    )

    class Meta(TransitionRow.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(from_status="draft", to_status="completed"),
                name="planning_readinesstransition_draft_to_completed",
            ),
        ]


class ReadinessAnswer(models.Model):
    """One item of an assessment (`readiness.ITEMS` key): not started / in progress / in place."""

    assessment = models.ForeignKey(
        ReadinessAssessment, on_delete=models.CASCADE, related_name="answers"
    )
    item = models.CharField(max_length=60)
    answer = models.CharField(
        _("answer"), max_length=20, choices=Answer.choices, default=Answer.NOT_STARTED
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)

    class Meta:
        ordering = ["assessment", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "item"], name="planning_readinessanswer_one_per_item"
            ),
            models.CheckConstraint(
                condition=Q(answer__in=Answer.values), name="planning_readinessanswer_answer_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.answer}"


# The program plan ---------------------------------------------------------------------------

# The plan's own text, in the order of the guide: WHY, WHO, WHAT, WHERE, WHEN, HOW.
PLAN_FIELDS = (
    "mission",
    "need",
    "families_served",
    "mentors",
    "staff",
    "delivery",
    "places",
    "availability",
    "recruiting",
    "screening",
    "training",
    "supervision",
    "documentation",
)


class PlanQuerySet(ScopedQuerySet["ProgramPlan"]):
    VIEW_CAPABILITY = Cap.PLANNING_VIEW


def _text(label: Any, help_text: Any = "") -> models.TextField:
    return models.TextField(label, blank=True, max_length=5000, help_text=help_text)


class ProgramPlan(models.Model):
    """The program's plan: its own words for each question of the guide. The facts Kindred
    already holds (delivery models, scope, targets) come from the program's settings and are
    shown beside the text, never copied into it. Every save writes a `PlanVersion`."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.PROTECT, related_name="plan"
    )
    # WHY
    mission = _text(_("mission"), _("Why the program exists, in a sentence or two."))
    need = _text(_("need"), _("What families told you they need; what is missing today."))
    # WHO
    families_served = _text(_("families served"), _("Which families: conditions, ages, units."))
    mentors = _text(_("mentors"), _("Who the mentors are: lived experience, languages."))
    staff = _text(_("staff"), _("Coordinator, supervisor and their time for the program."))
    # WHAT
    delivery = _text(_("how support is given"), _("One-to-one, groups, virtual: what each offers."))
    # WHERE
    places = _text(_("units, clinics and community"), _("Where families meet the program."))
    # WHEN
    availability = _text(_("when families can reach the program"), _("Days, hours, after hours."))
    # HOW
    recruiting = _text(_("recruiting"))
    screening = _text(_("screening"))
    training = _text(_("training"))
    supervision = _text(_("supervision"))
    documentation = _text(_("documentation"))
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("program plan")

    def __str__(self) -> str:
        return f"plan of {self.program_id}"

    def snapshot(self, objectives: list["Objective"]) -> dict[str, Any]:
        """What a version keeps: the plan's text and its objectives, as plain strings."""
        data: dict[str, Any] = {name: getattr(self, name) for name in PLAN_FIELDS}
        data["objectives"] = "\n".join(o.summary_line() for o in objectives)
        return data


class VersionQuerySet(ScopedQuerySet["PlanVersion"]):
    VIEW_CAPABILITY = Cap.PLANNING_VIEW
    PROGRAM_FIELD = "plan__program"


class PlanVersion(models.Model):
    """One save of the plan: who, when, which fields changed, and the whole text as it was."""

    plan = models.ForeignKey(ProgramPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    saved_at = models.DateTimeField(default=timezone.now)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed = models.JSONField(default=list)
    content = models.JSONField(default=dict)

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="planning_planversion_one_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="planning_planversion_from_one"
            ),
        ]

    def __str__(self) -> str:
        return f"version {self.number} of plan {self.plan_id}"


class ObjectiveQuerySet(ScopedQuerySet["Objective"]):
    VIEW_CAPABILITY = Cap.PLANNING_VIEW
    PROGRAM_FIELD = "plan__program"


class Objective(models.Model):
    """A goal of the plan measured from the program's records: a measure key of
    `kindred.lib.measures.all_measures()`, a comparison and a target."""

    class Comparison(models.TextChoices):
        AT_LEAST = "at_least", _("at least")
        AT_MOST = "at_most", _("at most")

    plan = models.ForeignKey(ProgramPlan, on_delete=models.PROTECT, related_name="objectives")
    title = models.CharField(_("objective"), max_length=200)
    measure_key = models.CharField(_("measure"), max_length=100)
    comparison = models.CharField(
        _("comparison"), max_length=10, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    target = models.DecimalField(_("target"), max_digits=9, decimal_places=1)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(comparison__in=["at_least", "at_most"]),
                name="planning_objective_comparison_valid",
            ),
            models.CheckConstraint(
                condition=Q(target__gte=0), name="planning_objective_target_positive"
            ),
            models.CheckConstraint(
                condition=~Q(measure_key=""), name="planning_objective_has_measure"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def summary_line(self) -> str:
        """The objective as one line of a plan version (no translation: a record of the words)."""
        sign = "≥" if self.comparison == self.Comparison.AT_LEAST else "≤"
        return f"{self.title} [{self.measure_key} {sign} {self.target.normalize():f}]"

    def meets(self, value: float | None) -> bool | None:
        """Whether `value` meets the target; None when there is nothing to measure."""
        if value is None:
            return None
        target = float(self.target)
        return value >= target if self.comparison == self.Comparison.AT_LEAST else value <= target
