"""Support groups: a program's recurring group meetings, their sessions, who registered, who
came, and the secret calendar links (issue 12; IPFCC seed 003: groups are the second delivery
model of peer support, often for one diagnosis, led or co-led by a parent)."""

import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.audit.states import Stateful, TransitionRow
from kindred.lib.languages import validate_language_code, validate_language_codes
from kindred.programs.access import ScopedQuerySet
from kindred.programs.permissions import Cap

# Populations a group may be for, beyond conditions (issue 12; DOMAIN.md's words).
POPULATIONS = [
    ("nicu", _("NICU parents")),
    ("bereaved", _("Bereaved parents")),
    ("fathers", _("Fathers")),
    ("spanish_speaking", _("Spanish-speaking families")),
    ("new_diagnosis", _("Families with a new diagnosis")),
    ("siblings", _("Siblings")),
    ("grandparents", _("Grandparents")),
    ("teens", _("Teens and young adults")),
]
POPULATION_CODES = [code for code, _label in POPULATIONS]


class Audience(models.TextChoices):
    CAREGIVERS = "caregivers", _("Parents and caregivers")
    COUPLES = "couples", _("Couples")
    WHOLE_FAMILY = "whole_family", _("The whole family, children welcome")
    ADULTS_ONLY = "adults_only", _("Adults only")


class Format(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video")
    HYBRID = "hybrid", _("In person and by video")


class JoinMode(models.TextChoices):
    OPEN = "open", _("Open to all: come to any session")
    BY_REGISTRATION = "registration", _("By registration")


def _validate_populations(values: Any) -> None:
    from django.core.exceptions import ValidationError

    if not isinstance(values, list) or any(v not in POPULATION_CODES for v in values):
        raise ValidationError(_("Choose populations from the list."))


class GroupQuerySet(ScopedQuerySet["SupportGroup"]):
    VIEW_CAPABILITY = Cap.GROUPS_VIEW

    def published(self) -> "GroupQuerySet":
        return self.filter(status=SupportGroup.Status.PUBLISHED, program__is_active=True)


class Practical(models.Model):
    """Where and how a meeting happens, and what helps a parent come (seed 003: finding someone
    to mind the child and times that fit keep parents away). A group holds the usual values,
    each session its own copy."""

    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.IN_PERSON
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_link = models.URLField(
        _("video link"),
        max_length=500,
        blank=True,
        help_text=_("Shown only to registered families."),
    )
    offers_childcare = models.BooleanField(_("childcare or respite offered"), default=False)
    offers_food = models.BooleanField(_("food provided"), default=False)
    parking = models.CharField(_("parking"), max_length=300, blank=True)
    interpreter_languages = models.JSONField(
        _("interpreters"), default=list, blank=True, validators=[validate_language_codes]
    )
    practical_note = models.CharField(_("other practical notes"), max_length=500, blank=True)

    PRACTICAL_FIELDS = (
        "format", "place", "video_link", "offers_childcare", "offers_food", "parking",
        "interpreter_languages", "practical_note",
    )  # fmt: skip

    class Meta:
        abstract = True

    @property
    def has_place(self) -> bool:
        return self.format in (Format.IN_PERSON, Format.HYBRID)

    @property
    def has_video(self) -> bool:
        return self.format in (Format.VIDEO, Format.HYBRID)


class SupportGroup(Practical, Stateful):
    """A support group of one program and its recurring schedule (an RFC 5545 rule)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ENDED = "ended", _("Ended")

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="support_groups"
    )
    name = models.CharField(_("name"), max_length=200)
    name_es = models.CharField(_("name in Spanish"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_es = models.TextField(_("description in Spanish"), blank=True)
    conditions = models.ManyToManyField(
        "families.Condition", blank=True, related_name="+", verbose_name=_("conditions")
    )
    populations = models.JSONField(
        _("populations"), default=list, blank=True, validators=[_validate_populations]
    )
    language = models.CharField(
        _("language"), max_length=8, default="en", validators=[validate_language_code]
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.CAREGIVERS
    )
    registration = models.CharField(
        _("how families join"),
        max_length=20,
        choices=JoinMode.choices,
        default=JoinMode.BY_REGISTRATION,
    )
    capacity = models.PositiveIntegerField(
        _("places"), default=12, help_text=_("0: a waitlist only, places are offered later.")
    )
    # Places taken, kept under the group's row lock; the database refuses more than capacity.
    registered_count = models.PositiveIntegerField(default=0, editable=False)
    # The schedule: the first meeting's local date and time, and the rule that repeats it.
    first_date = models.DateField(_("first meeting"))
    start_time = models.TimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("length in minutes"), default=90)
    rrule = models.CharField(
        _("repeats"),
        max_length=300,
        help_text=_("An RFC 5545 rule, e.g. FREQ=MONTHLY;BYDAY=2TU (second Tuesday)."),
    )
    time_zone = models.CharField(max_length=60, default=settings.TIME_ZONE)
    remind_hours_before = models.PositiveSmallIntegerField(_("reminder, hours before"), default=24)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    status_reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = GroupQuerySet.as_manager()

    TRANSITIONS = {
        "draft": {"published", "ended"},
        "published": {"draft", "ended"},
        "ended": {"published"},
    }
    REASON_REQUIRED = frozenset({"ended"})
    AUDIT_VERBS = {"published": "published", "draft": "unpublished", "ended": "ended"}

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("support group")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(registration="open")
                | models.Q(registered_count__lte=models.F("capacity")),
                name="groups_supportgroup_within_capacity",
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""), name="groups_supportgroup_name_required"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published", "ended"]),
                name="groups_supportgroup_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=5, duration_minutes__lte=720),
                name="groups_supportgroup_duration_range",
            ),
            models.CheckConstraint(
                condition=models.Q(format__in=Format.values), name="groups_supportgroup_format"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("groups:detail", args=[self.pk])

    def name_for(self, language: str) -> str:
        return self.name_es if language == "es" and self.name_es else self.name

    def description_for(self, language: str) -> str:
        return self.description_es if language == "es" and self.description_es else self.description

    @property
    def limits_places(self) -> bool:
        return self.registration == JoinMode.BY_REGISTRATION

    @property
    def is_full(self) -> bool:
        return self.limits_places and self.registered_count >= self.capacity

    def apply_transition(
        self, from_status: str, to: str, *, now: Any, reason: str, **extra: Any
    ) -> list[str]:
        self.status_reason = reason if to == self.Status.ENDED else ""
        self.updated_at = now
        return ["status_reason", "updated_at"]


class GroupTransition(TransitionRow):
    group = models.ForeignKey(SupportGroup, on_delete=models.PROTECT, related_name="transitions")

    class Meta(TransitionRow.Meta):
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(to_status="ended") | ~models.Q(reason=""),
                name="groups_grouptransition_reason_required",
            ),
        ]


class Facilitator(models.Model):
    """A leader or co-leader: a mentor (a veteran parent) or a staff member of the program."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        CO_LEADER = "co_leader", _("Co-leader")

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="facilitators")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    mentor = models.ForeignKey(
        "mentors.Mentor", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mentor__isnull=True, user__isnull=False)
                | models.Q(mentor__isnull=False, user__isnull=True),
                name="groups_facilitator_mentor_or_staff",
            ),
            models.UniqueConstraint(
                fields=["group"],
                condition=models.Q(role="leader"),
                name="groups_facilitator_one_leader",
            ),
            models.UniqueConstraint(fields=["group", "mentor"], name="groups_facilitator_mentor"),
            models.UniqueConstraint(fields=["group", "user"], name="groups_facilitator_user"),
        ]

    def __str__(self) -> str:
        if self.mentor is not None:
            return self.mentor.full_name
        if self.user is not None:
            return self.user.get_full_name() or self.user.email
        return ""


class SessionQuerySet(ScopedQuerySet["GroupSession"]):
    VIEW_CAPABILITY = Cap.GROUPS_VIEW
    PROGRAM_FIELD = "group__program"


class GroupSession(Practical):
    """One meeting of a group that has details of its own: a topic, speakers, a change of place
    or time (RFC 5545 RECURRENCE-ID), a cancellation (EXDATE), attendance. Meetings nobody has
    touched are not stored: the rule gives them (kindred.groups.schedule)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    group = models.ForeignKey(SupportGroup, on_delete=models.PROTECT, related_name="sessions")
    # The start the rule gives this meeting (aware, UTC in the database): its identity.
    recurrence_id = models.DateTimeField()
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    cancel_reason = models.CharField(_("why it is cancelled"), max_length=300, blank=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    topic_es = models.CharField(_("topic in Spanish"), max_length=200, blank=True)
    # [{"name": ..., "role": ...}]: guest speakers or a panel (physician, nurse, parent...).
    speakers = models.JSONField(_("speakers or panel"), default=list, blank=True)
    materials = models.TextField(_("materials"), blank=True)
    walk_in_guests = models.PositiveSmallIntegerField(_("guests not in the program"), default=0)
    attendance_taken_at = models.DateTimeField(null=True, blank=True)
    attendance_taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "recurrence_id"], name="groups_groupsession_one_per_occurrence"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="groups_groupsession_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(status="scheduled") | ~models.Q(cancel_reason=""),
                name="groups_groupsession_cancel_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(walk_in_guests__lte=500), name="groups_groupsession_guests"
            ),
        ]
        indexes = [models.Index(fields=["group", "starts_at"], name="groups_session_start_idx")]

    def __str__(self) -> str:
        return f"{self.group_id} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_moved(self) -> bool:
        return self.starts_at != self.recurrence_id

    @property
    def program_id(self) -> int:
        """The program of the audit events of this row (through its group)."""
        return self.group.program_id

    def topic_for(self, language: str) -> str:
        return self.topic_es if language == "es" and self.topic_es else self.topic


class RegistrationQuerySet(ScopedQuerySet["Registration"]):
    """A group's families: the program's roster readers, and a facilitator for their groups."""

    VIEW_CAPABILITY = Cap.GROUPS_ROSTER
    PROGRAM_FIELD = "group__program"

    def extra_scope(self, user: Any) -> models.Q | None:
        from kindred.programs.access import program_ids_with

        programs = program_ids_with(user, Cap.GROUPS_FACILITATE)
        if not programs:
            return None
        return models.Q(group__program_id__in=programs) & (
            models.Q(group__facilitators__user=user)
            | models.Q(group__facilitators__mentor__user=user)
        )

    def active(self) -> "RegistrationQuerySet":
        return self.filter(
            status__in=[Registration.Status.REGISTERED, Registration.Status.WAITLISTED]
        )


class Registration(Stateful):
    """A family's place in a group, or its turn on the waitlist. Registering is not attending."""

    class Status(models.TextChoices):
        WAITLISTED = "waitlisted", _("On the waitlist")
        REGISTERED = "registered", _("Registered")
        CANCELLED = "cancelled", _("Cancelled")

    class Channel(models.TextChoices):
        STAFF = "staff", _("By the program")
        MENTOR = "mentor", _("By a mentor")
        SELF = "self", _("By the family, on the public page")

    group = models.ForeignKey(SupportGroup, on_delete=models.PROTECT, related_name="registrations")
    family = models.ForeignKey(
        "families.Family", on_delete=models.PROTECT, related_name="group_registrations"
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    status_reason = models.CharField(max_length=500, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.STAFF)
    asked_at = models.DateTimeField(default=timezone.now)  # the waitlist's order
    registered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submission_key = models.CharField(max_length=64, null=True, blank=True, editable=False)

    objects = RegistrationQuerySet.as_manager()

    TRANSITIONS = {
        "waitlisted": {"registered", "cancelled"},
        "registered": {"cancelled"},
        "cancelled": set(),
    }
    REASON_REQUIRED = frozenset({"cancelled"})
    AUDIT_VERBS = {"registered": "promoted", "cancelled": "cancelled"}

    class Meta:
        ordering = ["asked_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "family"],
                condition=models.Q(status__in=["waitlisted", "registered"]),
                name="groups_registration_one_active_per_family",
            ),
            models.UniqueConstraint(
                fields=["submission_key"], name="groups_registration_one_per_submission"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["waitlisted", "registered", "cancelled"]),
                name="groups_registration_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="cancelled") | ~models.Q(status_reason=""),
                name="groups_registration_cancel_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["group", "status", "asked_at"], name="groups_reg_waitlist_idx")
        ]

    def __str__(self) -> str:
        return f"{self.family_id} in {self.group_id}: {self.status}"

    @property
    def program_id(self) -> int:
        """The program of the audit events of this row (through its group)."""
        return self.group.program_id

    def apply_transition(
        self, from_status: str, to: str, *, now: Any, reason: str, **extra: Any
    ) -> list[str]:
        self.status_reason = reason if to == self.Status.CANCELLED else ""
        if to == self.Status.REGISTERED:
            self.registered_at = now
        if to == self.Status.CANCELLED:
            self.cancelled_at = now
        return ["status_reason", "registered_at", "cancelled_at"]


class RegistrationTransition(TransitionRow):
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="transitions"
    )

    class Meta(TransitionRow.Meta):
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_status=models.F("to_status")),
                name="groups_registrationtransition_changes_status",
            ),
            models.CheckConstraint(
                condition=~models.Q(to_status="cancelled") | ~models.Q(reason=""),
                name="groups_registrationtransition_reason_required",
            ),
        ]


class AttendanceQuerySet(ScopedQuerySet["Attendance"]):
    """Who came: read as a group's roster is (the program's roster readers, a facilitator for
    their groups)."""

    VIEW_CAPABILITY = Cap.GROUPS_ROSTER
    PROGRAM_FIELD = "session__group__program"

    def extra_scope(self, user: Any) -> models.Q | None:
        from kindred.programs.access import program_ids_with

        programs = program_ids_with(user, Cap.GROUPS_FACILITATE)
        if not programs:
            return None
        return models.Q(session__group__program_id__in=programs) & (
            models.Q(session__group__facilitators__user=user)
            | models.Q(session__group__facilitators__mentor__user=user)
        )


class Attendance(models.Model):
    """A family at one session: one tap on the roster. Walk-ins are families who came without
    registering."""

    session = models.ForeignKey(GroupSession, on_delete=models.PROTECT, related_name="attendance")
    family = models.ForeignKey(
        "families.Family", on_delete=models.PROTECT, related_name="group_attendance"
    )
    present = models.BooleanField(default=True)
    walk_in = models.BooleanField(default=False)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "family"], name="groups_attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.family_id} at {self.session_id}"

    @property
    def program_id(self) -> int:
        return self.session.group.program_id


class SessionReminder(models.Model):
    """One reminder sent: a family is reminded of a session once."""

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="+")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "registration"], name="groups_sessionreminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} for {self.session_id}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A secret calendar link: a group's sessions, a person's (the groups they lead or run), or
    a family's (the groups they registered for, with the video links). Revoking it ends it; a
    new link is a new row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(
        SupportGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="feeds"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    family = models.ForeignKey(
        "families.Family", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(group__isnull=False, user__isnull=True, family__isnull=True)
                | models.Q(group__isnull=True, user__isnull=False, family__isnull=True)
                | models.Q(group__isnull=True, user__isnull=True, family__isnull=False),
                name="groups_calendarfeed_one_owner",
            ),
            models.UniqueConstraint(
                fields=["program", "user"],
                condition=models.Q(revoked_at__isnull=True, user__isnull=False),
                name="groups_calendarfeed_one_live_per_user",
            ),
            models.UniqueConstraint(
                fields=["group"],
                condition=models.Q(revoked_at__isnull=True, group__isnull=False),
                name="groups_calendarfeed_one_live_per_group",
            ),
            models.UniqueConstraint(
                fields=["family"],
                condition=models.Q(revoked_at__isnull=True, family__isnull=False),
                name="groups_calendarfeed_one_live_per_family",
            ),
        ]

    def __str__(self) -> str:
        return str(self.id)
