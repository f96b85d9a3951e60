"""The match: one family and one mentor, from the coordinator's proposal to its close.

proposed → approved (the coordinator) → offered (to the mentor) → accepted by the mentor, or
declined with a reason, or more information asked (then offered again) → introduced (the
family's consent checked again) → active → closed (a reason is required). A match not wanted
any more is withdrawn. The moves are `Match.TRANSITIONS` (kindred.audit.states); what a move
changes elsewhere (the mentor's places, the referral's step, notices) is services.py's.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.audit.states import Stateful, TransitionError, TransitionRow
from kindred.programs.access import ScopedQuerySet, program_ids_with
from kindred.programs.permissions import Cap


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    OFFERED = "offered", _("Offered to the mentor")
    INFO_REQUESTED = "info_requested", _("Mentor asked for more information")
    ACCEPTED = "accepted", _("Accepted by the mentor")
    INTRODUCED = "introduced", _("Introduced")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")
    DECLINED = "declined", _("Declined by the mentor")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The statuses that hold one of the mentor's places (Mentor.active_family_count counts them).
HOLDS_PLACE = frozenset(
    {"approved", "offered", "info_requested", "accepted", "introduced", "active"}
)
OPEN = HOLDS_PLACE | {"proposed"}
# Offered to the mentor and not answered yet: withdrawn when the mentor stops matching.
AWAITING_MENTOR = frozenset({"offered", "info_requested"})

DECLINE_REASONS = [
    ("no_time", _("I do not have the time right now")),
    ("too_close", _("Too close to my own experience right now")),
    ("not_my_experience", _("My experience does not fit this family")),
    ("know_family", _("I know this family (conflict of interest)")),
    ("distance", _("Too far for me")),
    ("personal", _("Personal reasons")),
    ("other", _("Another reason")),
]
CLOSE_REASONS = [
    ("goals_met", _("Goals met")),
    ("family_ended", _("The family ended the match")),
    ("mentor_ended", _("The mentor ended the match")),
    ("unable_to_reach", _("Unable to reach the family")),
    ("duration_reached", _("The match duration was reached")),
    ("not_good_fit", _("Not a good fit (early fit check)")),
    ("entered_in_error", _("Entered in error")),
]
FIT_CHOICES = [("good", _("A good fit")), ("not_good", _("Not a good fit"))]


class MatchQuerySet(ScopedQuerySet["Match"]):
    """Matches of the programs where the user may see matching (coordinators, supervisors),
    plus a mentor's own matches from the moment they are offered."""

    VIEW_CAPABILITY = Cap.MATCHING_VIEW

    def extra_scope(self, user: Any) -> Q | None:
        own = program_ids_with(user, Cap.MATCH_SELF)
        if not own:
            return None
        return Q(program_id__in=own, mentor__user=user) & ~Q(status__in=["proposed", "approved"])

    def open(self) -> "MatchQuerySet":
        return self.filter(status__in=OPEN)

    def active(self) -> "MatchQuerySet":
        return self.filter(status=Status.ACTIVE)

    def holding_place(self) -> "MatchQuerySet":
        return self.filter(status__in=HOLDS_PLACE)


class Match(Stateful):
    Status = Status
    OPEN = OPEN

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="matches"
    )
    family = models.ForeignKey("families.Family", on_delete=models.PROTECT, related_name="matches")
    mentor = models.ForeignKey("mentors.Mentor", on_delete=models.PROTECT, related_name="matches")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    # The engine's reasons when proposed ([{criterion, met, text}]), so the match page says
    # why it was made even after the roster changed.
    reasons = models.JSONField(default=list, blank=True)
    looser = models.BooleanField(_("a looser match the family agreed to"), default=False)
    looser_note = models.CharField(_("what the family agreed to"), max_length=500, blank=True)
    info_question = models.TextField(_("the mentor's question"), blank=True)
    info_answer = models.TextField(_("the coordinator's answer"), blank=True)
    decline_reason = models.CharField(
        _("why the mentor declined"), max_length=20, choices=DECLINE_REASONS, blank=True
    )
    close_reason = models.CharField(
        _("why the match closed"), max_length=20, choices=CLOSE_REASONS, blank=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)
    offered_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(_("active since"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    fit_check_due = models.DateField(_("early fit check due"), null=True, blank=True)
    mentor_fit = models.CharField(max_length=10, choices=FIT_CHOICES, blank=True)
    coordinator_fit = models.CharField(max_length=10, choices=FIT_CHOICES, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    renewals = models.PositiveSmallIntegerField(default=0)
    end_reminded_for = models.DateField(null=True, blank=True)
    fit_reminded_at = models.DateTimeField(null=True, blank=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        indexes = [
            models.Index(fields=["program", "status"], name="matching_match_status_idx"),
            models.Index(fields=["mentor", "status"], name="matching_match_mentor_idx"),
            models.Index(fields=["family", "status"], name="matching_match_family_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="matching_match_status_valid"
            ),
            models.UniqueConstraint(
                fields=["family"],
                condition=Q(status="active"),
                name="matching_match_one_active_per_family",
                violation_error_message=_("This family already has an active match."),
            ),
            models.UniqueConstraint(
                fields=["family", "mentor"],
                condition=Q(status__in=sorted(OPEN)),
                name="matching_match_one_open_per_pair",
                violation_error_message=_("This family and mentor already have an open match."),
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(close_reason=""),
                name="matching_match_closed_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="matching_match_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100),
                name="matching_match_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"match {self.pk}: family {self.family_id} / mentor {self.mentor_id}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("matching:match", args=[self.pk])

    TRANSITIONS = {
        "proposed": {"approved", "withdrawn"},
        "approved": {"offered", "withdrawn"},
        "offered": {"accepted", "declined", "info_requested", "withdrawn"},
        "info_requested": {"offered", "withdrawn"},
        "accepted": {"introduced", "withdrawn"},
        "introduced": {"active", "closed", "withdrawn"},
        "active": {"closed"},
        "closed": set(),
        "declined": set(),
        "withdrawn": set(),
    }
    REASON_REQUIRED = frozenset({"closed", "declined", "withdrawn"})
    AUDIT_VERBS = {
        "approved": "approved",
        "offered": "offered",
        "info_requested": "info_requested",
        "accepted": "accepted",
        "declined": "declined",
        "introduced": "introduced",
        "active": "started",
        "closed": "closed",
        "withdrawn": "withdrawn",
    }

    @property
    def holds_place(self) -> bool:
        return self.status in HOLDS_PLACE

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def check_transition(
        self,
        to: str,
        *,
        reason: str,
        code: str = "",
        question: str = "",
        **extra: Any,
    ) -> None:
        from kindred.families.consent import Scope, may

        if to in {"approved", "introduced"} and not may(self.family_id, Scope.SHARE_WITH_MENTOR):
            raise TransitionError(
                _(
                    "The family has not agreed to share their information with a mentor: "
                    "record their consent first."
                ),
                code="consent_missing",
            )
        if to == "declined" and code not in dict(DECLINE_REASONS):
            raise TransitionError(_("Choose a reason from the list."), code="invalid_reason")
        if to == "closed" and code not in dict(CLOSE_REASONS):
            raise TransitionError(_("Choose a reason from the list."), code="invalid_reason")
        if to == "info_requested" and not question.strip():
            raise TransitionError(
                _("Please write what you would like to know."), code="question_required"
            )

    def apply_transition(
        self,
        from_status: str,
        to: str,
        *,
        now: Any,
        reason: str,
        code: str = "",
        question: str = "",
        answer: str = "",
        fit_check_days: int = 14,
        duration_weeks: int | None = None,
        **extra: Any,
    ) -> list[str]:
        self.status_changed_at = now
        changed = ["status_changed_at"]
        if to == "offered":
            self.offered_at = now
            changed.append("offered_at")
            if answer:
                self.info_answer = answer.strip()[:5000]
                changed.append("info_answer")
        elif to == "info_requested":
            self.info_question = question.strip()[:5000]
            changed.append("info_question")
        elif to == "declined":
            self.decline_reason = code
            changed.append("decline_reason")
        elif to == "active":
            self.started_at = now
            today = timezone.localdate(now)
            self.fit_check_due = today + timedelta(days=fit_check_days)
            self.ends_on = today + timedelta(weeks=duration_weeks) if duration_weeks else None
            changed += ["started_at", "fit_check_due", "ends_on"]
        elif to == "closed":
            self.close_reason = code
            self.closed_at = now
            changed += ["close_reason", "closed_at"]
        return changed

    def transition_row_fields(
        self, from_status: str, to: str, *, code: str = "", **extra: Any
    ) -> dict[str, Any]:
        return {"code": code}

    @property
    def fit_check_open(self) -> bool:
        return self.status == "active" and not (self.mentor_fit and self.coordinator_fit)

    @property
    def fit_check_is_due(self) -> bool:
        return bool(
            self.fit_check_open
            and self.fit_check_due is not None
            and self.fit_check_due <= timezone.localdate()
        )


class MatchTransition(TransitionRow):
    """One move of a match: who, when, from, to, why (with a reason's code from the lists)."""

    match = models.ForeignKey(Match, on_delete=models.PROTECT, related_name="transitions")
    code = models.CharField(max_length=20, blank=True)

    class Meta(TransitionRow.Meta):
        constraints = [
            models.CheckConstraint(
                condition=~Q(to_status__in=["closed", "declined", "withdrawn"]) | ~Q(reason=""),
                name="matching_matchtransition_reason_required",
            ),
        ]

    @property
    def to_label(self) -> str:
        return str(dict(Status.choices).get(self.to_status, self.to_status))
