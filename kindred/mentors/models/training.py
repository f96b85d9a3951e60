from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.audit.log import record
from kindred.mentors.models.mentor import Mentor, MentorsViewQuerySet


class TrainingCourse(models.Model):
    """A course of modules: e.g. initial training (~16 hours: shared experience, the health-coach
    model, navigating health systems — seed 000) or an annual refresher."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="training_courses"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    required_for_activation = models.BooleanField(_("required before activation"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = MentorsViewQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def total_hours(self) -> Decimal:
        return sum((m.hours for m in self.modules.all()), Decimal("0"))


class TrainingModule(models.Model):
    class Delivery(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")

    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="modules")
    title = models.CharField(_("title"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    delivery = models.CharField(
        _("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.IN_PERSON
    )
    materials_url = models.URLField(_("materials link"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["course", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=40),
                name="mentors_trainingmodule_hours_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TrainingCohort(models.Model):
    """A group of parents trained together (P2P practice: cohorts of 8–12)."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="training_cohorts"
    )
    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("starts on"))
    mentors = models.ManyToManyField(Mentor, related_name="training_cohorts", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = MentorsViewQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "id"]

    def __str__(self) -> str:
        return self.name


class TrainingSessionQuerySet(MentorsViewQuerySet):
    PROGRAM_FIELD = "cohort__program"


class TrainingSession(models.Model):
    cohort = models.ForeignKey(TrainingCohort, on_delete=models.PROTECT, related_name="sessions")
    module = models.ForeignKey(TrainingModule, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField(_("date"))
    location = models.CharField(_("place or video link"), max_length=200, blank=True)

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.module} ({self.held_on})"

    def record_attendance(
        self, *, present_ids: set[int], by: Any, request: HttpRequest | None = None
    ) -> int:
        """Mark who attended; attending completes the module (with its hours) for that mentor.
        Returns how many mentors were marked present. Audited inside the same transaction."""
        with transaction.atomic():
            # A plain row lock (no status here): two people saving one register take turns.
            TrainingSession.objects.select_for_update().get(pk=self.pk)
            members = list(self.cohort.mentors.values_list("pk", flat=True))
            for mentor_id in members:
                present = mentor_id in present_ids
                Attendance.objects.update_or_create(
                    session=self, mentor_id=mentor_id, defaults={"present": present}
                )
                if present:
                    ModuleCompletion.objects.get_or_create(
                        mentor_id=mentor_id,
                        module_id=self.module_id,
                        defaults={
                            "completed_on": self.held_on,
                            "hours": self.module.hours,
                            "session": self,
                            "recorded_by": by,
                        },
                    )
                else:
                    # Unmarking a mistaken attendance withdraws the completion it created.
                    ModuleCompletion.objects.filter(
                        mentor_id=mentor_id, module_id=self.module_id, session=self
                    ).delete()
            count = len(present_ids & set(members))
            record(
                action="mentors.attendance.changed",
                request=request,
                actor=by,
                program=self.cohort.program_id,
                obj=self,
                fields=["present"],
                detail={"present": count},
            )
        return count


class Attendance(models.Model):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.PROTECT, related_name="attendance"
    )
    mentor = models.ForeignKey(Mentor, on_delete=models.PROTECT, related_name="attendance")
    present = models.BooleanField(_("present"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "mentor"], name="mentors_attendance_once_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id} at {self.session_id}"


class ModuleCompletion(models.Model):
    """A mentor completed a module; its hours count as volunteer (training) hours."""

    mentor = models.ForeignKey(Mentor, on_delete=models.PROTECT, related_name="module_completions")
    module = models.ForeignKey(TrainingModule, on_delete=models.PROTECT, related_name="completions")
    completed_on = models.DateField(_("completed on"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    session = models.ForeignKey(
        TrainingSession, on_delete=models.PROTECT, null=True, blank=True, related_name="completions"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["completed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "module"], name="mentors_modulecompletion_once"
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0), name="mentors_modulecompletion_hours_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id} completed {self.module_id}"
