import calendar
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.audit.states import Stateful, TransitionError, TransitionRow
from kindred.lib.languages import validate_language_codes
from kindred.mentors.vocab import validate_situations, validate_treatments
from kindred.programs.access import ScopedQuerySet, program_ids_with
from kindred.programs.permissions import Cap

# Care settings a veteran parent knows from their own child's care (seed 000: inpatient and
# outpatient; seed 003: unit- and clinic-based programs).
CARE_SETTINGS = [
    ("nicu", _("Neonatal intensive care (NICU)")),
    ("picu", _("Pediatric intensive care (PICU)")),
    ("cardiac", _("Cardiac unit")),
    ("oncology", _("Oncology unit")),
    ("inpatient", _("Other inpatient unit")),
    ("outpatient", _("Outpatient and specialty clinics")),
    ("emergency", _("Emergency department")),
    ("home_health", _("Home health and nursing at home")),
    ("early_intervention", _("Early intervention")),
    ("school", _("School services and IEPs")),
]

# The oldest age of the mentor's own child's range (years): young adults with childhood
# conditions are still supported by parent programs.
MAX_CHILD_AGE = 26

WEEKDAYS = [
    ("mon", _("Monday")),
    ("tue", _("Tuesday")),
    ("wed", _("Wednesday")),
    ("thu", _("Thursday")),
    ("fri", _("Friday")),
    ("sat", _("Saturday")),
    ("sun", _("Sunday")),
]

DAY_PARTS = [("morning", _("Mornings")), ("afternoon", _("Afternoons")), ("evening", _("Evenings"))]


def add_months(start: date, months: int) -> date:
    month = start.month - 1 + months
    year = start.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


class MentorsViewQuerySet(ScopedQuerySet[Any]):
    """A program's mentor-lifecycle rows (courses, cohorts, screening items, qualification
    types): read with MENTORS_VIEW, kept with MENTORS_MANAGE."""

    VIEW_CAPABILITY = Cap.MENTORS_VIEW


class MentorQuerySet(ScopedQuerySet["Mentor"]):
    """Every mentor of the programs where the user may view mentors, plus their own record."""

    VIEW_CAPABILITY = Cap.MENTORS_VIEW

    def extra_scope(self, user: Any) -> Q | None:
        own_programs = program_ids_with(user, Cap.MENTOR_SELF)
        return Q(program_id__in=own_programs, user=user) if own_programs else None

    def matchable(self, program: Any, on: date | None = None) -> "MentorQuerySet":
        """Mentors who may be matched with a family on `on` (today): the rule of
        kindred.mentors.eligibility, in one query for the matching issue's ranking."""
        on = on or timezone.localdate()
        valid = Qualification.objects.filter(
            mentor_id=OuterRef(OuterRef("pk")),
            type_id=OuterRef("pk"),
            obtained_on__lte=on,
        ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
        missing = QualificationType.objects.filter(
            program_id=OuterRef("program_id"), required_for_matching=True, is_active=True
        ).exclude(Exists(valid))
        return self.filter(
            program=program,
            status=Mentor.Status.ACTIVE,
            active_family_count__lt=F("max_families"),
        ).exclude(Exists(missing))


class Mentor(Stateful):
    """A veteran parent in a program's mentor pipeline, from application to alumni.

    Personal information is protected like a family's: read through visible_to / access helpers,
    every read and write audited.
    """

    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        SCREENING = "screening", _("Screening")
        TRAINING = "training", _("In training")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        ALUMNI = "alumni", _("Alumni / inactive")
        DECLINED = "declined", _("Declined")

    class Travel(models.TextChoices):
        REMOTE = "remote", _("Phone and video only")
        MILES_10 = "10", _("Up to 10 miles")
        MILES_25 = "25", _("Up to 25 miles")
        MILES_50 = "50", _("Up to 50 miles")
        ANYWHERE = "any", _("Anywhere in the region")

    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.PROTECT,
        related_name="mentors",
        verbose_name=_("program"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentor_records",
        verbose_name=_("account"),
    )
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(_("phone"), max_length=40)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    # Codes of kindred.lib.languages, as families' languages are: matching compares the two.
    languages = models.JSONField(
        _("languages spoken"), default=list, blank=True, validators=[validate_language_codes]
    )
    postal_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    travel = models.CharField(
        _("how far you can travel"),
        max_length=8,
        choices=Travel.choices,
        default=Travel.REMOTE,
        help_text=_("For families who want to meet in person."),
    )
    # Same vocabularies as families, so matching compares like with like.
    child_conditions = models.ManyToManyField(
        "families.Condition",
        blank=True,
        related_name="mentors",
        verbose_name=_("your child's conditions"),
    )
    child_experiences = models.ManyToManyField(
        "families.Experience",
        blank=True,
        related_name="mentors",
        verbose_name=_("your family's experiences"),
    )
    treatments = models.TextField(
        _("other treatments, in your words"),
        blank=True,
        help_text=_("Anything the list above does not name."),
    )
    # What matching compares (kindred.matching): all optional, self-described, each asked
    # with the reason it is asked.
    treatment_codes = models.JSONField(
        _("treatments and technology your child has had"),
        default=list,
        blank=True,
        validators=[validate_treatments],
        help_text=_("Families often ask for a parent who has been through the same treatment."),
    )
    gender = models.CharField(
        _("gender"),
        max_length=12,
        choices=[
            ("woman", _("Woman")),
            ("man", _("Man")),
            ("nonbinary", _("Non-binary")),
            ("self", _("I describe myself another way")),
        ],
        blank=True,
        help_text=_("Optional. Some parents feel easier talking with a mentor of their gender."),
    )
    culture = models.CharField(
        _("culture or ethnicity"),
        max_length=120,
        blank=True,
        help_text=_(
            "Optional, in your words. Some families ask for a parent who shares their culture."
        ),
    )
    family_situations = models.JSONField(
        _("your family's situation"),
        default=list,
        blank=True,
        validators=[validate_situations],
        help_text=_("Optional. Families in the same situation often understand each other best."),
    )
    experience_year = models.PositiveSmallIntegerField(
        _("year of your child's diagnosis or NICU stay"),
        null=True,
        blank=True,
        help_text=_("Optional. A family may want a parent whose experience is recent."),
    )
    child_age_from = models.PositiveSmallIntegerField(
        _("your child's age then: from (years)"),
        null=True,
        blank=True,
        help_text=_(
            "Optional. How old your child was through the diagnosis or treatment, from and to "
            "(0 to 26): a family often finds it easier to talk with a parent whose child was "
            "the same age."
        ),
    )
    child_age_to = models.PositiveSmallIntegerField(
        _("your child's age then: to (years)"),
        null=True,
        blank=True,
        help_text=_("Optional. The same age as above if it was one age."),
    )
    off_active_treatment = models.BooleanField(
        _("your child is off active treatment or stable"),
        null=True,
        blank=True,
        help_text=_(
            "Some programs ask that a mentor's own child is past active treatment, so that "
            "supporting another family is not too heavy."
        ),
    )
    excluded_situations = models.JSONField(
        _("families you would rather not support"),
        default=list,
        blank=True,
        validators=[validate_situations],
        help_text=_(
            "Optional. For example, a bereaved family if your own loss is recent. We will not "
            "propose you to these families."
        ),
    )
    care_settings = models.JSONField(_("care settings you know"), default=list, blank=True)
    availability_days = models.JSONField(_("days available"), default=list, blank=True)
    availability_times = models.JSONField(_("times available"), default=list, blank=True)
    availability_notes = models.CharField(_("availability notes"), max_length=300, blank=True)
    motivation = models.TextField(_("why you want to support other parents"))
    references = models.TextField(
        _("references"), help_text=_("Two people we may contact: name and phone or e-mail.")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.APPLICANT
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    paused_until = models.DateField(_("paused until"), null=True, blank=True)
    max_families = models.PositiveSmallIntegerField(
        _("maximum active families"),
        default=5,
        help_text=_(
            "P2P practice: caseloads of about 10 families for paid staff, fewer for volunteers."
        ),
    )
    # Kept by the matching app inside its match transitions (one counter, no join to rank):
    # the families holding one of the mentor's places, from approval to the match's end.
    active_family_count = models.PositiveSmallIntegerField(_("active families"), default=0)
    applied_at = models.DateTimeField(_("applied"), default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    # The application form's one-time key (its SHA-256): one submission is one applicant
    # (kindred.lib.idempotency). Empty for mentors a coordinator adds.
    submission_key = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = MentorQuerySet.as_manager()

    class Meta:
        ordering = ["full_name", "id"]
        verbose_name = _("mentor")
        indexes = [models.Index(fields=["program", "status"], name="mentors_program_status_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["submission_key"],
                condition=~Q(submission_key=""),
                name="mentors_mentor_one_per_submission",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "applicant",
                        "screening",
                        "training",
                        "active",
                        "paused",
                        "alumni",
                        "declined",
                    ]
                ),
                name="mentors_mentor_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="paused") | Q(paused_until__isnull=False),
                name="mentors_mentor_paused_has_return_date",
            ),
            models.CheckConstraint(
                condition=Q(max_families__lte=30), name="mentors_mentor_max_families_range"
            ),
            # The mentor's own child's age range (years): each 0-26, from <= to.
            models.CheckConstraint(
                condition=(Q(child_age_from__isnull=True) | Q(child_age_from__lte=MAX_CHILD_AGE))
                & (Q(child_age_to__isnull=True) | Q(child_age_to__lte=MAX_CHILD_AGE))
                & (
                    Q(child_age_from__isnull=True)
                    | Q(child_age_to__isnull=True)
                    | Q(child_age_from__lte=F("child_age_to"))
                ),
                name="mentors_mentor_child_age_range",
                violation_error_message=_(
                    "Your child's age: from 0 to 26 years, the first no older than the second."
                ),
            ),
            # Matching's guard: two coordinators approving a mentor's last place at once
            # never take more places than the mentor has (kindred.matching.services).
            models.CheckConstraint(
                condition=Q(active_family_count__lte=F("max_families")),
                name="mentors_mentor_within_capacity",
                violation_error_message=_(
                    "This mentor has no place left: lower their families first."
                ),
            ),
            models.UniqueConstraint(
                fields=["program", "user"],
                condition=Q(user__isnull=False),
                name="mentors_mentor_one_record_per_account",
            ),
            models.UniqueConstraint(
                "program",
                Lower("email"),
                condition=~Q(status__in=["declined", "alumni"]),
                name="mentors_mentor_one_open_record_per_email",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    # The lifecycle (volunteer-management practice; one state-change pattern:
    # kindred.audit.states). A reason is required to decline or end; a pause needs a return date.
    TRANSITIONS = {
        "applicant": {"screening", "declined"},
        "screening": {"training", "declined", "applicant"},
        "training": {"active", "declined", "alumni", "screening"},
        "active": {"paused", "alumni"},
        "paused": {"active", "alumni"},
        "alumni": {"active", "screening"},
        "declined": {"screening"},
    }
    REASON_REQUIRED = frozenset({"declined", "alumni"})
    # Every move is audited as mentors.mentor.status_changed (the code reports already count).
    AUDIT_VERBS = dict.fromkeys(TRANSITIONS, "status_changed")

    def check_transition(
        self, to: str, *, reason: str, paused_until: date | None = None, **extra: Any
    ) -> None:
        if to == self.Status.PAUSED:
            if paused_until is None:
                raise TransitionError(
                    _("Please give the date they plan to return."), code="return_date_required"
                )
            if paused_until <= timezone.localdate():
                raise TransitionError(
                    _("The return date must be in the future."), code="return_date_past"
                )
        if to == self.Status.TRAINING:
            missing = self.screening_missing()
            if missing:
                raise TransitionError(
                    _("Screening is not complete: %(items)s."),
                    code="screening_incomplete",
                    params={"items": ", ".join(str(i) for i in missing)},
                )
        if to == self.Status.ACTIVE and self.status == self.Status.TRAINING:
            missing_courses = self.required_courses_missing()
            if missing_courses:
                raise TransitionError(
                    _("Required training is not complete: %(courses)s."),
                    code="training_incomplete",
                    params={"courses": ", ".join(c.title for c in missing_courses)},
                )

    def apply_transition(
        self,
        from_status: str,
        to: str,
        *,
        now: Any,
        reason: str,
        paused_until: date | None = None,
        **extra: Any,
    ) -> list[str]:
        # Only this record's own fields: what a move changes elsewhere (a later matching app
        # withdrawing offers) is services.mentor_change_status's, after the transition.
        self.paused_until = paused_until if to == self.Status.PAUSED else None
        self.status_changed_at = now
        return ["paused_until", "status_changed_at"]

    def transition_row_fields(
        self, from_status: str, to: str, *, paused_until: date | None = None, **extra: Any
    ) -> dict[str, Any]:
        return {"paused_until": paused_until if to == self.Status.PAUSED else None}

    def screening_missing(self) -> list["ScreeningItem"]:
        """Required screening items of the program without a passed result (latest one counts)."""
        latest: dict[int, str] = {}
        for item_id, result in self.screening_records.order_by("recorded_at", "id").values_list(
            "item_id", "result"
        ):
            latest[item_id] = result
        return [
            item
            for item in ScreeningItem.objects.filter(
                program_id=self.program_id, required=True, is_active=True
            )
            if latest.get(item.pk)
            not in {ScreeningRecord.Result.PASSED, ScreeningRecord.Result.WAIVED}
        ]

    def required_courses_missing(self) -> list[Any]:
        """The program's courses required before activation with a module not completed yet.

        Read through the reverse relations: training.py builds on this module, not the reverse.
        """
        done = set(self.module_completions.values_list("module_id", flat=True))
        missing = []
        for course in self.program.training_courses.filter(
            required_for_activation=True, is_active=True
        ).prefetch_related("modules"):
            if any(m.pk not in done for m in course.modules.all()):
                missing.append(course)
        return missing

    @property
    def travel_miles(self) -> int | None:
        """Miles the mentor travels for in-person support: 0 for phone and video only, None
        for anywhere in the region."""
        if self.travel == self.Travel.ANYWHERE:
            return None
        return 0 if self.travel == self.Travel.REMOTE else int(self.travel)

    @property
    def has_capacity(self) -> bool:
        return self.active_family_count < self.max_families


class MentorStatusChange(TransitionRow):
    """One move of a mentor's lifecycle: who, when, from, to, why, and a pause's return date."""

    mentor = models.ForeignKey(Mentor, on_delete=models.PROTECT, related_name="transitions")
    paused_until = models.DateField(_("paused until"), null=True, blank=True)

    class Meta(TransitionRow.Meta):
        constraints = [
            models.CheckConstraint(
                condition=~Q(to_status__in=["declined", "alumni"]) | ~Q(reason=""),
                name="mentors_mentorstatuschange_reason_to_end",
            ),
            models.CheckConstraint(
                condition=~Q(from_status=F("to_status")),
                name="mentors_mentorstatuschange_changes_status",
            ),
            models.CheckConstraint(
                condition=~Q(to_status="paused") | Q(paused_until__isnull=False),
                name="mentors_mentorstatuschange_pause_has_return_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id}: {self.from_status or '∅'} → {self.to_status}"


class ScreeningItem(models.Model):
    """One item of a program's screening checklist (interview, references, background check...)."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="screening_items"
    )
    name = models.CharField(_("name"), max_length=120)
    name_es = models.CharField(_("name in Spanish"), max_length=120, blank=True)
    required = models.BooleanField(_("required before training"), default=True)
    # One fact, recorded once: passing this item (a background check) is obtaining the
    # qualification, which then expires and is renewed on its own schedule.
    grants = models.ForeignKey(
        "mentors.QualificationType",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="granted_by",
        verbose_name=_("passing it grants the qualification"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = MentorsViewQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                "program",
                Lower("name"),
                name="mentors_screeningitem_name_unique_in_program",
                violation_error_message=_("This program already has an item with this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.label()

    def label(self, language: str | None = None) -> str:
        from django.utils.translation import get_language

        language = language or get_language() or "en"
        return self.name_es if language.startswith("es") and self.name_es else self.name


class ScreeningRecord(models.Model):
    """A screening result. Append-only: a later record for the same item replaces it in effect."""

    class Result(models.TextChoices):
        PASSED = "passed", _("Passed")
        WAIVED = "waived", _("Not needed (waived)")
        PENDING = "pending", _("Pending")
        FAILED = "failed", _("Not passed")

    mentor = models.ForeignKey(Mentor, on_delete=models.PROTECT, related_name="screening_records")
    item = models.ForeignKey(ScreeningItem, on_delete=models.PROTECT, related_name="records")
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    done_on = models.DateField(_("date"))
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result__in=["passed", "waived", "pending", "failed"]),
                name="mentors_screeningrecord_result_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.result}"


class QualificationType(models.Model):
    """Something a mentor must hold and renew: background check, annual refresher..."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="qualification_types"
    )
    name = models.CharField(_("name"), max_length=120)
    name_es = models.CharField(_("name in Spanish"), max_length=120, blank=True)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty if it never expires."),
    )
    required_for_matching = models.BooleanField(_("required to be matched"), default=True)
    remind_days_before = models.PositiveSmallIntegerField(
        _("remind (days before expiry)"), default=30
    )
    is_active = models.BooleanField(_("in use"), default=True)

    objects = MentorsViewQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                "program",
                Lower("name"),
                name="mentors_qualificationtype_name_unique_in_program",
                violation_error_message=_("This program already has an item with this name."),
            ),
            models.CheckConstraint(
                condition=Q(validity_months__isnull=True) | Q(validity_months__gte=1),
                name="mentors_qualificationtype_validity_positive",
                violation_error_message=_(
                    "The validity must be at least one month, or empty if it never expires."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.label()

    def label(self, language: str | None = None) -> str:
        from django.utils.translation import get_language

        language = language or get_language() or "en"
        return self.name_es if language.startswith("es") and self.name_es else self.name

    def expiry_for(self, obtained_on: date) -> date | None:
        return add_months(obtained_on, self.validity_months) if self.validity_months else None


class Qualification(models.Model):
    """A mentor holding a qualification from one date to another. Renewal adds a new row."""

    mentor = models.ForeignKey(Mentor, on_delete=models.PROTECT, related_name="qualifications")
    type = models.ForeignKey(
        QualificationType, on_delete=models.PROTECT, related_name="qualifications"
    )
    obtained_on = models.DateField(_("obtained on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    # The expiry date a reminder was last sent for, so the daily run reminds once per expiry.
    reminded_for = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-obtained_on", "-id"]
        indexes = [
            models.Index(fields=["mentor", "type", "expires_on"], name="mentors_qual_valid_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("obtained_on")),
                name="mentors_qualification_expires_after_obtained",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} ({self.obtained_on})"

    def is_valid_on(self, on: date) -> bool:
        return self.obtained_on <= on and (self.expires_on is None or self.expires_on >= on)
