"""Feedback from families and mentors: a program's surveys, their items, the one-time
invitations sent at the moments that matter, and the answers.

A survey belongs to a program and lists its items (a statement on a 5-point agree–disagree
scale, a yes/no, a choice, free text), in English and Spanish. An invitation is one person asked
one survey on one occasion (after intake, at a match's early fit check or close, after a
group's third session, the yearly sample); it carries a hash of its link's token, never the
token. A response is an invitation answered, whole (its answers saved in one transaction).
"""

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.programs.access import ScopedQuerySet, program_ids_with
from kindred.programs.permissions import Cap


class Audience(models.TextChoices):
    FAMILY = "family", _("Families")
    MENTOR = "mentor", _("Mentors")


class Occasion(models.TextChoices):
    INTAKE = "intake", _("After intake (baseline)")
    FIT_CHECK = "fit_check", _("At a match's early fit check")
    MATCH_CLOSE = "match_close", _("When a match closes")
    GROUP_THIRD = "group_third", _("After a group's third session")
    YEARLY = "yearly", _("Yearly feedback sample")


# Plain strings (not the enum members): they go into `__in` lookups as they are.
BASELINE = frozenset({Occasion.INTAKE.value})
FOLLOW_UP = frozenset(
    {
        Occasion.FIT_CHECK.value,
        Occasion.MATCH_CLOSE.value,
        Occasion.GROUP_THIRD.value,
        Occasion.YEARLY.value,
    }
)
# Which occasions each audience can be asked at (a mentor has no intake or group survey).
OCCASIONS_FOR = {
    Audience.FAMILY: [o.value for o in Occasion],
    Audience.MENTOR: [Occasion.MATCH_CLOSE.value, Occasion.YEARLY.value],
}


class SurveyQuerySet(ScopedQuerySet["Survey"]):
    """Surveys of the programs where the user reads results, or exports them (evaluators)."""

    VIEW_CAPABILITY = Cap.SURVEYS_VIEW

    def extra_scope(self, user: Any) -> Q | None:
        exporters = program_ids_with(user, Cap.SURVEYS_EXPORT)
        return Q(program_id__in=exporters) if exporters else None


class Survey(models.Model):
    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="+")
    key = models.SlugField(_("short name"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    title_es = models.CharField(_("title in Spanish"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    intro_es = models.TextField(_("introduction in Spanish"), blank=True)
    audience = models.CharField(_("who is asked"), max_length=10, choices=Audience.choices)
    occasions = models.JSONField(_("when it is asked"), default=list, blank=True)
    yearly_sample_size = models.PositiveSmallIntegerField(
        _("families in the yearly sample"),
        default=20,
        help_text=_("Chosen at random each year; a family is asked at most once a year."),
    )
    is_active = models.BooleanField(_("send it"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "key"], name="surveys_survey_key_unique"),
            models.CheckConstraint(
                condition=Q(audience__in=["family", "mentor"]),
                name="surveys_survey_audience_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def title_for(self, language: str) -> str:
        return self.title_es if language == "es" and self.title_es else self.title

    def intro_for(self, language: str) -> str:
        return self.intro_es if language == "es" and self.intro_es else self.intro


class Item(models.Model):
    class Kind(models.TextChoices):
        AGREE = "agree", _("Statement: strongly disagree … strongly agree (1–5)")
        YES_NO = "yes_no", _("Yes or no")
        CHOICE = "choice", _("One choice from a list")
        TEXT = "text", _("Free text")

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="items")
    code = models.SlugField(_("short name"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("text"), max_length=300)
    text_es = models.CharField(_("text in Spanish"), max_length=300)
    # For a choice: [{"value": "a", "en": "...", "es": "..."}].
    choices = models.JSONField(default=list, blank=True)
    follow_up_only = models.BooleanField(
        _("only at follow-up"),
        default=False,
        help_text=_("Not asked at baseline (e.g. satisfaction with a mentor not yet met)."),
    )
    required = models.BooleanField(_("an answer is required"), default=False)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("asked"), default=True)

    class Meta:
        ordering = ["survey", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="surveys_item_code_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=["agree", "yes_no", "choice", "text"]),
                name="surveys_item_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def text_for(self, language: str) -> str:
        return self.text_es if language == "es" and self.text_es else self.text

    def choices_for(self, language: str) -> list[tuple[str, str]]:
        return [(str(c["value"]), str(c.get(language) or c.get("en") or "")) for c in self.choices]


class Channel(models.TextChoices):
    """How a person was asked: an e-mail with a link, a printed letter with a one-time code
    typed at the public page, or a coordinator's phone call (the answers entered by them)."""

    EMAIL = "email", _("E-mail with a link")
    LETTER = "letter", _("Printed letter with a code")
    PHONE = "phone", _("Phone call, entered by a coordinator")


class SurveyInvitationQuerySet(ScopedQuerySet["Invitation"]):
    VIEW_CAPABILITY = Cap.SURVEYS_VIEW


class Invitation(models.Model):
    """One person asked one survey on one occasion. `occasion_key` names the occasion once
    ("match:12", "group:4", "yearly:2026"): the scheduler's unique constraint makes it ask once
    however often it runs, and two runs at the same time cannot both insert."""

    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="invitations")
    occasion = models.CharField(max_length=12, choices=Occasion.choices)
    occasion_key = models.CharField(max_length=60)
    family = models.ForeignKey(
        "families.Family", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    mentor = models.ForeignKey(
        "mentors.Mentor", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    match = models.ForeignKey(
        "matching.Match", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        "groups.SupportGroup", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=8, default="en")
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    # Who asked by hand (a coordinator's e-mail, letter or call); empty for the scheduler.
    sent_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    objects = SurveyInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "occasion", "occasion_key", "family"],
                condition=Q(family__isnull=False),
                name="surveys_invitation_family_once",
            ),
            models.UniqueConstraint(
                fields=["survey", "occasion", "occasion_key", "mentor"],
                condition=Q(mentor__isnull=False),
                name="surveys_invitation_mentor_once",
            ),
            models.CheckConstraint(
                condition=Q(family__isnull=False, mentor__isnull=True)
                | Q(family__isnull=True, mentor__isnull=False),
                name="surveys_invitation_one_person",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(declined_at__isnull=True),
                name="surveys_invitation_answered_or_declined",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="surveys_invitation_expires_after_created",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["email", "letter", "phone"]),
                name="surveys_invitation_channel_valid",
            ),
            # A call is always somebody's: the coordinator who made it.
            models.CheckConstraint(
                condition=~Q(channel="phone") | Q(sent_by__isnull=False),
                name="surveys_invitation_phone_has_caller",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "created_at"], name="surveys_inv_program_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.occasion} {self.occasion_key}"

    @property
    def is_follow_up(self) -> bool:
        return self.occasion in FOLLOW_UP

    def is_open(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.answered_at is None and self.declined_at is None and now < self.expires_at


class Response(models.Model):
    """An invitation answered: its answers were saved with it in one transaction."""

    invitation = models.OneToOneField(Invitation, on_delete=models.PROTECT, related_name="response")
    submitted_at = models.DateTimeField(default=timezone.now)
    # The public form's one-time key (kindred.lib.idempotency): a second POST finds this row.
    submission_key = models.CharField(max_length=64, unique=True)
    # "web": the person answered on the public page (link or letter code); "phone": a
    # coordinator entered the answers given on a call, and `entered_by` says who.
    channel = models.CharField(max_length=8, default="web")
    entered_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel="web", entered_by__isnull=True)
                | Q(channel="phone", entered_by__isnull=False),
                name="surveys_response_entered_by_phone",
            ),
        ]

    def __str__(self) -> str:
        return f"response to {self.invitation_id}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    # agree: 1–5; yes/no: 1 yes, 0 no; a choice: its value in `choice`; free text in `text`.
    number = models.SmallIntegerField(null=True, blank=True)
    choice = models.CharField(max_length=40, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["response", "item__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="surveys_answer_once"),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=0, number__lte=5),
                name="surveys_answer_number_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.item_id}"


class SampleDraw(models.Model):
    """The yearly sample of one survey was drawn: claimed once per year (unique), so two runs
    of the scheduler cannot draw two samples."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    drawn_at = models.DateTimeField(default=timezone.now)
    size = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "year"], name="surveys_sampledraw_once"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.year}"
