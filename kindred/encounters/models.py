"""Encounters: a mentor's (or coordinator's) documented contact with one or more families
(issue 11), the program's codebook of themes, follow-ups, and the history of every edit.

Built for reporting: support types are one row per type (`EncounterSupport`), themes a plain
many-to-many table, families and mentors through tables, so that counting per type, theme,
family or mentor is one GROUP BY. An encounter is never deleted: it is marked entered in error
with a reason, and reports leave those out (`Encounter.objects.counted()`).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kindred.programs.access import ScopedQuerySet, program_ids_with
from kindred.programs.permissions import Cap


class Setting(models.TextChoices):
    INPATIENT = "inpatient", _("Inpatient unit")
    OUTPATIENT = "outpatient", _("Outpatient clinic")
    HOME = "home", _("Home")
    COMMUNITY = "community", _("Community")
    VIRTUAL = "virtual", _("Virtual")


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    TEXT = "text", _("Text message")
    EMAIL = "email", _("E-mail")


class InitiatedBy(models.TextChoices):
    MENTOR = "mentor", _("The mentor")
    FAMILY = "family", _("The family")
    STAFF = "staff", _("Program staff")
    CARE_TEAM = "care_team", _("The care team")


class SupportType(models.TextChoices):
    """The fixed list of kinds of social support (House's typology, as in seed 000)."""

    EMOTIONAL = "emotional", _("Emotional")
    INFORMATIONAL = "informational", _("Informational")
    TANGIBLE = "tangible", _("Tangible / instrumental")
    AFFIRMATION = "affirmation", _("Affirmation / appraisal")


class Concern(models.TextChoices):
    SAFETY = "safety", _("Safety")
    CLINICAL = "clinical", _("Clinical")
    MENTOR_DISTRESS = "mentor_distress", _("My own distress")


MAX_DURATION_MINUTES = 600


class Theme(models.Model):
    """One entry of a program's codebook: a theme, or a sub-theme of one (two levels)."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="encounter_themes"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subthemes",
        verbose_name=_("part of"),
    )
    slug = models.SlugField(max_length=80)
    name = models.CharField(_("name"), max_length=120)
    name_es = models.CharField(_("name in Spanish"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("theme")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "slug"], name="encounters_theme_program_slug_unique"
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("id")),
                name="encounters_theme_not_own_parent",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="encounters_theme_name_required"),
        ]

    def __str__(self) -> str:
        return self.name

    def label_for(self, language: str) -> str:
        return self.name_es if language == "es" and self.name_es else self.name

    @property
    def label(self) -> str:
        """The name in the language of the page."""
        return self.label_for(get_language() or "en")


class EncounterQuerySet(ScopedQuerySet["Encounter"]):
    """Every encounter of the programs where the user holds encounters.view (coordinators,
    supervisors), plus a mentor's own: those they took part in or wrote."""

    VIEW_CAPABILITY = Cap.ENCOUNTERS_VIEW

    def extra_scope(self, user: Any) -> Q | None:
        own = program_ids_with(user, Cap.ENCOUNTERS_LOG)
        if not own:
            return None
        mine = Q(created_by=user) | Q(
            pk__in=EncounterMentor.objects.filter(mentor__user=user).values("encounter_id")
        )
        return Q(program_id__in=own) & mine

    def counted(self) -> "EncounterQuerySet":
        """The encounters reports count: all but those entered in error."""
        return self.filter(entered_in_error=False)


class Encounter(models.Model):
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="encounters"
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    duration_minutes = models.PositiveSmallIntegerField(_("how long (minutes)"), default=30)
    setting = models.CharField(_("where"), max_length=12, choices=Setting.choices)
    mode = models.CharField(_("how"), max_length=12, choices=Mode.choices)
    initiated_by = models.CharField(
        _("who reached out"), max_length=12, choices=InitiatedBy.choices
    )
    interpreter_used = models.BooleanField(_("an interpreter was used"), default=False)
    families = models.ManyToManyField(
        "families.Family", through="EncounterFamily", related_name="encounters"
    )
    mentors = models.ManyToManyField(
        "mentors.Mentor", through="EncounterMentor", related_name="encounters"
    )
    caregivers = models.ManyToManyField(
        "families.Caregiver", blank=True, related_name="encounters", verbose_name=_("caregivers")
    )
    children = models.ManyToManyField(
        "families.Child", blank=True, related_name="encounters", verbose_name=_("children")
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="encounters", verbose_name=_("themes")
    )
    services = models.ManyToManyField(
        "directory.Service",
        blank=True,
        related_name="+",
        verbose_name=_("resources shared"),
    )
    resource_shares = models.ManyToManyField(
        "directory.ResourceShare", blank=True, related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True)
    concern = models.CharField(_("concern"), max_length=16, choices=Concern.choices, blank=True)
    concern_details = models.TextField(_("what worries you"), blank=True)
    escalation = models.OneToOneField(
        "mentors.Escalation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="encounter",
    )
    # A support group session's note (issue 12): the session's encounter, one counted per session.
    group_session = models.ForeignKey(
        "groups.GroupSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("group session"),
    )
    entered_in_error = models.BooleanField(_("entered in error"), default=False)
    error_reason = models.CharField(_("why it is in error"), max_length=500, blank=True)
    error_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    error_marked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = EncounterQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("encounter")
        indexes = [
            models.Index(fields=["program", "occurred_at"], name="encounters_program_when_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1)
                & Q(duration_minutes__lte=MAX_DURATION_MINUTES),
                name="encounters_encounter_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(setting__in=Setting.values), name="encounters_encounter_setting_valid"
            ),
            models.CheckConstraint(
                condition=Q(mode__in=Mode.values), name="encounters_encounter_mode_valid"
            ),
            models.CheckConstraint(
                condition=Q(initiated_by__in=InitiatedBy.values),
                name="encounters_encounter_initiated_by_valid",
            ),
            models.CheckConstraint(
                condition=Q(concern="") | Q(concern__in=Concern.values),
                name="encounters_encounter_concern_valid",
            ),
            models.CheckConstraint(
                condition=~Q(entered_in_error=True)
                | (~Q(error_reason="") & Q(error_marked_at__isnull=False)),
                name="encounters_encounter_error_has_reason",
            ),
            models.UniqueConstraint(
                fields=["group_session"],
                condition=Q(group_session__isnull=False, entered_in_error=False),
                name="encounters_encounter_one_note_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"encounter {self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("encounters:detail", args=[self.pk])


class EncounterFamily(models.Model):
    """A family who took part, with their match when there is one (set when logged)."""

    encounter = models.ForeignKey(Encounter, on_delete=models.PROTECT, related_name="family_links")
    family = models.ForeignKey(
        "families.Family", on_delete=models.PROTECT, related_name="encounter_links"
    )
    match = models.ForeignKey(
        "matching.Match",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="encounter_links",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["encounter", "family"], name="encounters_family_once_per_encounter"
            ),
        ]
        indexes = [models.Index(fields=["match"], name="encounters_family_match_idx")]

    def __str__(self) -> str:
        return f"{self.encounter_id}/{self.family_id}"


class EncounterMentor(models.Model):
    encounter = models.ForeignKey(Encounter, on_delete=models.PROTECT, related_name="mentor_links")
    mentor = models.ForeignKey(
        "mentors.Mentor", on_delete=models.PROTECT, related_name="encounter_links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["encounter", "mentor"], name="encounters_mentor_once_per_encounter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.encounter_id}/{self.mentor_id}"


class EncounterSupport(models.Model):
    """One kind of support given in an encounter: one row per type, so reports count with a
    GROUP BY support_type."""

    encounter = models.ForeignKey(Encounter, on_delete=models.PROTECT, related_name="supports")
    support_type = models.CharField(max_length=16, choices=SupportType.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["encounter", "support_type"], name="encounters_support_once_per_type"
            ),
            models.CheckConstraint(
                condition=Q(support_type__in=SupportType.values),
                name="encounters_support_type_valid",
            ),
        ]
        indexes = [models.Index(fields=["support_type"], name="encounters_support_type_idx")]

    def __str__(self) -> str:
        return self.support_type


class FollowUpQuerySet(ScopedQuerySet["FollowUp"]):
    VIEW_CAPABILITY = Cap.ENCOUNTERS_VIEW

    def extra_scope(self, user: Any) -> Q | None:
        own = program_ids_with(user, Cap.ENCOUNTERS_LOG)
        if not own:
            return None
        return Q(program_id__in=own) & (Q(mentor__user=user) | Q(created_by=user))

    def pending(self) -> "FollowUpQuerySet":
        return self.filter(done_at__isnull=True, encounter__entered_in_error=False)


class FollowUp(models.Model):
    """Something to do after an encounter, by a date; the mentor's home page lists them,
    overdue first, and an e-mail reminds them on the due date (reminded_on: once)."""

    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="+")
    encounter = models.ForeignKey(Encounter, on_delete=models.PROTECT, related_name="follow_ups")
    family = models.ForeignKey(
        "families.Family", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    mentor = models.ForeignKey(
        "mentors.Mentor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("who does it"),
    )
    description = models.CharField(_("what to do"), max_length=300)
    due_on = models.DateField(_("by"))
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reminded_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["program", "due_on"], name="encounters_followup_due_idx"),
            models.Index(fields=["mentor", "done_at"], name="encounters_followup_mentor_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(description=""), name="encounters_followup_description_required"
            ),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | Q(done_by__isnull=False),
                name="encounters_followup_done_has_actor",
            ),
        ]

    def __str__(self) -> str:
        return f"follow-up {self.pk}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class EncounterRevision(models.Model):
    """One edit of an encounter: who, when, and what changed ({field: [before, after]});
    notes are named as changed, their text is not copied here."""

    encounter = models.ForeignKey(Encounter, on_delete=models.PROTECT, related_name="revisions")
    version = models.PositiveIntegerField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["encounter", "version"], name="encounters_revision_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.encounter_id} v{self.version}"
