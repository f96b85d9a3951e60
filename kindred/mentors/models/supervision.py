from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.audit.states import Stateful, TransitionError, TransitionRow
from kindred.mentors.models.mentor import Mentor
from kindred.programs.access import ScopedQuerySet
from kindred.programs.permissions import Cap


class SupervisionSession(models.Model):
    """Individual or group supervision: the supervisory team behind the mentors (seed 000)."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        GROUP = "group", _("Group")

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="supervision_sessions"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INDIVIDUAL)
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=60)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("supervisor"),
    )
    mentors = models.ManyToManyField(
        Mentor, related_name="supervision_sessions", verbose_name=_("who was present")
    )
    topics = models.TextField(_("topics"), blank=True)
    concerns = models.TextField(_("concerns"), blank=True)
    follow_ups = models.TextField(_("follow-ups"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5) & Q(duration_minutes__lte=600),
                name="mentors_supervisionsession_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class WellbeingCheckInQuerySet(ScopedQuerySet["WellbeingCheckIn"]):
    """A mentor's check-ins, read by the program's supervisors."""

    VIEW_CAPABILITY = Cap.SUPERVISION
    PROGRAM_FIELD = "mentor__program"


class WellbeingCheckIn(models.Model):
    """How a mentor is doing. Burnout is a known risk of this role: a low score or a request to
    talk shows in the supervisor's queue."""

    class Workload(models.TextChoices):
        LIGHT = "light", _("I could take on more")
        RIGHT = "right", _("About right")
        HEAVY = "heavy", _("Heavy")
        TOO_MUCH = "too_much", _("Too much right now")

    mentor = models.ForeignKey(Mentor, on_delete=models.PROTECT, related_name="checkins")
    score = models.PositiveSmallIntegerField(
        _("how are you doing?"),
        choices=[(i, str(i)) for i in range(1, 6)],
        help_text=_("1 = struggling, 5 = doing well."),
    )
    workload = models.CharField(_("your workload"), max_length=10, choices=Workload.choices)
    wants_to_talk = models.BooleanField(_("I would like a supervisor to contact me"), default=False)
    notes = models.TextField(_("anything you want to share"), blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    seen_at = models.DateTimeField(null=True, blank=True)

    objects = WellbeingCheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5),
                name="mentors_wellbeingcheckin_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"check-in {self.at:%Y-%m-%d}"

    @property
    def needs_attention(self) -> bool:
        return self.wants_to_talk or self.score <= 2 or self.workload == self.Workload.TOO_MUCH


class EscalationQuerySet(ScopedQuerySet["Escalation"]):
    VIEW_CAPABILITY = Cap.SUPERVISION

    def open(self) -> "EscalationQuerySet":
        return self.exclude(status=Escalation.Status.RESOLVED)


class Escalation(Stateful):
    """A concern raised from a mentor's work (safety, a family in crisis, the mentor's own
    distress) for a supervisor. The encounters issue creates these from an encounter."""

    class Severity(models.TextChoices):
        URGENT = "urgent", _("Urgent: safety concern")
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="escalations"
    )
    mentor = models.ForeignKey(Mentor, on_delete=models.PROTECT, related_name="escalations")
    family = models.ForeignKey(
        "families.Family",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("family"),
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    concern = models.TextField(_("concern"))
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_notes = models.TextField(_("what was done"), blank=True)

    objects = EscalationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["program", "status"], name="mentors_escalation_queue_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "acknowledged", "resolved"]),
                name="mentors_escalation_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved")
                | (Q(resolved_at__isnull=False) & ~Q(resolution_notes="")),
                name="mentors_escalation_resolved_has_notes",
            ),
        ]

    def __str__(self) -> str:
        return f"escalation {self.pk}"

    SEVERITY_ORDER = {"urgent": 0, "high": 1, "medium": 2, "low": 3}

    def clean(self) -> None:
        if self.mentor_id and self.program_id and self.mentor.program_id != self.program_id:
            raise ValidationError(_("This person belongs to another program."))
        family = self.family if self.family_id else None
        if family is not None and self.program_id and family.program_id != self.program_id:
            raise ValidationError(_("The family belongs to another program."))

    # A supervisor acknowledges a concern, then resolves it writing what was done (the
    # response); an open one may be resolved at once, which acknowledges it too. Resolved is final.
    TRANSITIONS = {
        "open": {"acknowledged", "resolved"},
        "acknowledged": {"resolved"},
        "resolved": set(),
    }
    AUDIT_VERBS = {"acknowledged": "acknowledged", "resolved": "resolved"}

    def acknowledge(
        self, *, by: Any, note: str = "", request: HttpRequest | None = None
    ) -> "EscalationChange":
        row = self.transition(to=self.Status.ACKNOWLEDGED, by=by, note=note, request=request)
        return cast(EscalationChange, row)

    def resolve(
        self, *, by: Any, notes: str, request: HttpRequest | None = None
    ) -> "EscalationChange":
        row = self.transition(
            to=self.Status.RESOLVED, by=by, note=(notes or "").strip(), request=request
        )
        return cast(EscalationChange, row)

    def check_transition(self, to: str, *, reason: str, note: str = "", **extra: Any) -> None:
        if to == self.Status.RESOLVED and not note.strip():
            raise TransitionError(
                _("Please write what was done before resolving."), code="response_required"
            )

    def apply_transition(
        self,
        from_status: str,
        to: str,
        *,
        now: Any,
        reason: str,
        by: Any = None,
        note: str = "",
        **extra: Any,
    ) -> list[str]:
        changed = []
        if self.acknowledged_at is None:
            # Resolving an open concern acknowledges it too: the queue shows who took it.
            self.acknowledged_by, self.acknowledged_at = by, now
            changed += ["acknowledged_by", "acknowledged_at"]
        if to == self.Status.RESOLVED:
            self.resolved_by, self.resolved_at, self.resolution_notes = by, now, note.strip()
            changed += ["resolved_by", "resolved_at", "resolution_notes"]
        return changed


class EscalationChange(TransitionRow):
    """One move of an escalation: who, when, from, to, and the note (for a resolution, what
    was done)."""

    escalation = models.ForeignKey(Escalation, on_delete=models.PROTECT, related_name="transitions")

    class Meta(TransitionRow.Meta):
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=F("to_status")),
                name="mentors_escalationchange_changes_status",
            ),
            models.CheckConstraint(
                condition=~Q(to_status="resolved") | ~Q(note=""),
                name="mentors_escalationchange_resolved_has_response",
            ),
            # A supervisor moves an escalation, never the system.
            models.CheckConstraint(
                condition=Q(by__isnull=False), name="mentors_escalationchange_has_actor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.escalation_id}: {self.from_status} → {self.to_status}"
