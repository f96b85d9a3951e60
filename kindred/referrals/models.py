"""Referrals that close the loop.

A Referral is the FHIR ServiceRequest (what was asked, by whom, for which family, with which
consent) and its Task (who works on it, and its status) in one row: a peer support program
fulfils each request itself, so the two never diverge. Mapping, for the FHIR intake issue:

    ServiceRequest.requester      -> referred_by (+ referrer_role, referrer_department)
    ServiceRequest.subject        -> family
    ServiceRequest.reasonCode     -> reasons;  .note -> looking_for;  .priority -> urgency
    ServiceRequest.authoredOn     -> received_at;  .identifier -> fhir_service_request_id
    Task.status / .statusReason   -> status / status_reason (FHIR codes stored as they are)
    Task.businessStatus           -> step (the program's own steps inside in-progress)
    Task.owner                    -> program;  .identifier -> fhir_task_id
    Task.output                   -> referred_out_service (directory) or referred_out_to (name)
    Consent (IDSCL, to contact)   -> consent_* fields, and the family's Consent records
"""

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.audit.log import record
from kindred.audit.states import Stateful, TransitionError, TransitionRow
from kindred.lib import extensions
from kindred.programs.access import ScopedQuerySet
from kindred.programs.permissions import Cap
from kindred.referrals import daily
from kindred.referrals.daily import ReferralDailyCount, ReferralDelayCount  # noqa: F401 - models
from kindred.referrals.status import (
    CLOSED,
    OPEN,
    OUTCOMES,
    REASON_REQUIRED,
    SUPPORTED,
    Reason,
    Status,
    Step,
)
from kindred.referrals.totals import ReferralDelayTotal, ReferralTotal  # noqa: F401 - models


class Source(models.TextChoices):
    REFERRER = "referrer", _("Referrer in the organization")
    PARTNER = "partner", _("Partner organization")
    SELF = "self", _("Family (self-referral)")
    # A clinician's electronic health record, over FHIR (kindred.fhir): the referrer is an
    # ExternalReferrer, not a Kindred user.
    EHR = "ehr", _("Electronic health record (FHIR)")


class ReferralReason(models.TextChoices):
    NEW_DIAGNOSIS = "new-diagnosis", _("New diagnosis")
    NICU_DISCHARGE = "nicu-discharge", _("NICU discharge")
    HOSPITALIZATION = "hospitalization", _("Hospitalization")
    NEW_TECHNOLOGY = "new-technology", _("New technology at home (e.g. feeding tube)")
    TRANSITION = "transition", _("Transition (school, adult care)")
    EMOTIONAL_SUPPORT = "emotional-support", _("Emotional support")
    INFORMATION = "information", _("Information")
    GROUP = "group", _("Connect with a group")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    SOON = "soon", _("Soon (within days)")
    URGENT = "urgent", _("Urgent (family in crisis)")


class ReferrerRole(models.TextChoices):
    SOCIAL_WORKER = "social-worker", _("Social worker")
    FAMILY_LIAISON = "family-liaison", _("Family liaison")
    NURSE = "nurse", _("Nurse")
    PHYSICIAN = "physician", _("Physician")
    CARE_COORDINATOR = "care-coordinator", _("Care coordinator")
    OTHER = "other", _("Other")


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Verbal, in person")
    PHONE = "phone", _("Verbal, by phone")
    WRITTEN = "written", _("Written (signed form)")
    ELECTRONIC = "electronic", _("Electronic (portal or e-mail)")
    SELF = "self", _("Given by the family on this site")


# The queue's statuses, in the order the partial index below was declared with.
QUEUE_STATUSES = sorted(str(status) for status in OPEN)


def queue_rank() -> models.Expression:
    """0: awaiting first contact; 1: other new referrals; 2: the rest (kindred.referrals.dashboard)."""
    return models.Case(
        models.When(
            Q(first_contact_at__isnull=True, status__in=["requested", "accepted"]),
            then=models.Value(0),
        ),
        models.When(status="requested", then=models.Value(1)),
        default=models.Value(2),
        output_field=models.IntegerField(),
    )


class ReferralQuerySet(ScopedQuerySet["Referral"]):
    """Referrals of the programs where the user may see referrals in full."""

    VIEW_CAPABILITY = Cap.REFERRALS_VIEW

    def open(self) -> "ReferralQuerySet":
        return self.filter(status__in=OPEN)

    def awaiting_first_contact(self) -> "ReferralQuerySet":
        return self.filter(
            status__in=[Status.REQUESTED, Status.ACCEPTED], first_contact_at__isnull=True
        )

    def overdue(self, now: Any = None) -> "ReferralQuerySet":
        return self.awaiting_first_contact().filter(due_at__lte=now or timezone.now())


class SentReferralQuerySet(ReferralQuerySet):
    """The referrals a person sent, in any program (a partner organization's referrer is no
    member of the program they refer to); what they see of them is status and dates only
    (views.sent). `Referral.sent.visible_to(user)`."""

    VIEW_CAPABILITY = ""

    def extra_scope(self, user: Any) -> Q | None:
        return Q(referred_by=user)


class ExternalReferrer(models.Model):
    """A referrer outside Kindred: the clinician (Practitioner, PractitionerRole) or the
    organization an electronic health record names as a FHIR ServiceRequest's requester.
    `sender` names the registered FHIR client that sent it and `sender_organization` its
    organization: what a sender may read back is scoped by them (kindred.fhir)."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=200, blank=True)
    organization_name = models.CharField(_("organization"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    fhir_reference = models.CharField(_("FHIR reference"), max_length=200)
    sender = models.CharField(_("sent by (FHIR client)"), max_length=100)
    sender_organization = models.ForeignKey(
        "programs.Organization", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(name="") | ~Q(organization_name=""),
                name="referrals_externalreferrer_named",
            ),
            models.CheckConstraint(
                condition=~Q(fhir_reference=""),
                name="referrals_externalreferrer_reference_required",
            ),
        ]

    def __str__(self) -> str:
        return " · ".join(part for part in (self.name, self.organization_name) if part)


def reference_of(pk: int | None) -> str:
    """A referral's reference from its id alone ("R-000042"), without building the model."""
    return f"R-{pk:06d}" if pk else "R-new"


class Referral(Stateful):
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("program"),
    )
    family = models.ForeignKey(
        "families.Family",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("family"),
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_sent",
        verbose_name=_("referrer"),
    )
    referrer_role = models.CharField(
        _("your role"), max_length=30, choices=ReferrerRole.choices, blank=True
    )
    referrer_department = models.CharField(
        _("your department or specialty"), max_length=120, blank=True
    )
    reasons = models.JSONField(_("reasons for referral"), default=list, blank=True)
    looking_for = models.TextField(_("what the family is looking for"), blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    language = models.CharField(_("family's preferred language"), max_length=8, default="en")
    # When the referrer knows the age but not the date of birth (kept off the child record).
    child_age_years = models.PositiveSmallIntegerField(
        _("child's age in years"), null=True, blank=True
    )
    # Consent to be contacted: P2P USA practice, no referral without the parent's permission.
    consent_to_contact = models.BooleanField(_("the family agrees to be contacted"))
    consent_obtained_by = models.CharField(_("consent obtained by"), max_length=200)
    consent_method = models.CharField(
        _("how consent was given"), max_length=20, choices=ConsentMethod.choices
    )
    consent_at = models.DateTimeField(_("consent given on"), default=timezone.now)
    share_status_with_referrer = models.BooleanField(
        _("the family agrees that the referrer sees the status"), default=False
    )
    notify_referrer = models.BooleanField(_("tell me when the status changes"), default=True)
    # An EHR's requester (source "ehr"); referred_by is then empty.
    external_referrer = models.ForeignKey(
        ExternalReferrer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("external referrer"),
    )
    linked_existing_family = models.BooleanField(default=False)
    # What the referrer typed about the family (names, phone, e-mail, language, child, the
    # conditions ticked), kept as given: "My referrals" names it, and when the referral was
    # linked to a family the program had, the coordinator sees what differs (views_linked.py).
    as_referred = models.JSONField(default=dict, blank=True, editable=False)
    conditions = models.ManyToManyField(
        "families.Condition", blank=True, related_name="+", verbose_name=_("conditions")
    )
    referrer_reference = models.CharField(
        _("your own reference"),
        max_length=60,
        blank=True,
        help_text=_("Optional: how you file this family (e.g. a record number you use)."),
    )
    # Who in the program works this referral (the queue's "mine" / "unassigned").
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_owned",
        verbose_name=_("owner"),
    )
    # The next contact attempt planned (the last attempt's), back on top of the queue when due.
    next_attempt_on = models.DateField(_("next attempt"), null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates"
    )

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    step = models.CharField(_("step"), max_length=20, choices=Step.choices, blank=True)
    status_reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices, blank=True)
    referred_out_to = models.CharField(_("referred to (resource)"), max_length=200, blank=True)
    referred_out_service = models.ForeignKey(
        "directory.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_in",
        verbose_name=_("directory service"),
    )

    received_at = models.DateTimeField(_("received"), default=timezone.now)
    due_at = models.DateTimeField(_("first contact due"))
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    supported_at = models.DateTimeField(_("matched or in a group"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    escalated_at = models.DateTimeField(null=True, blank=True)

    fhir_service_request_id = models.CharField(max_length=64, blank=True)
    fhir_task_id = models.CharField(max_length=64, blank=True)
    # What a FHIR intake carried that Kindred has no field for (ServiceRequest intent,
    # category, code, basedOn; Task intent, code, partOf, input; Consent scope, policyRule;
    # the ids of each resource), kept as received and returned as received (kindred.fhir).
    fhir_received = models.JSONField(default=dict, blank=True, editable=False)
    # The public form's one-time key, or a FHIR bundle's identity (their SHA-256): one
    # submission is one referral (kindred.lib.idempotency, kindred.fhir.intake). Empty for
    # referrals made by signed-in people.
    submission_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    # Moves with every save (the FHIR Task's meta.versionId and meta.lastUpdated, its ETag).
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ReferralQuerySet.as_manager()
    sent = SentReferralQuerySet.as_manager()

    # The daily counts of the dashboard (referrals/daily.py) move with every save, in its
    # transaction: the contribution counted when the row was read, out; the new one, in. A row
    # read with some of those fields deferred has its contribution read again when saved.
    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any, **kwargs: Any) -> "Referral":
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._counted = daily.snapshot(instance)
        return instance

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        self._counted = daily.snapshot(self)

    def _counted_before(self) -> "daily.Contribution | None":
        counted = getattr(self, "_counted", daily.UNKNOWN)
        if counted is not daily.UNKNOWN:
            return counted
        if self._state.adding or self.pk is None:
            return None
        stored = Referral.objects.filter(pk=self.pk).first()
        return daily.contribution(stored) if stored is not None else None

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Each change of a saved referral moves its version (rows are changed locked: the
        state kit's `locked()`), so a FHIR reader's ETag and `_lastUpdated` follow it; and its
        contribution to the daily counts moves in the same transaction (`daily`)."""
        changed = self.pk is not None and not kwargs.get("force_insert")
        if changed:
            self.version = (self.version or 0) + 1
            self.updated_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version", "updated_at"}
        with transaction.atomic():
            before = self._counted_before()
            super().save(*args, **kwargs)
            counted = daily.contribution(self)
            daily.apply(before, counted)
            self._counted = counted
            if changed:
                # A sender's FHIR subscription hears of the new version after commit (fhir).
                for module in extensions.referral_changed_modules():
                    module.referral_changed(self)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        with transaction.atomic():
            daily.apply(self._counted_before(), None)
            return super().delete(*args, **kwargs)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("referral")
        indexes = [
            models.Index(fields=["program", "status", "due_at"], name="referrals_queue_idx"),
            models.Index(
                models.F("program"),
                queue_rank(),
                models.F("due_at"),
                models.F("id"),
                condition=Q(status__in=QUEUE_STATUSES),
                name="referrals_queue_rank_idx",
            ),
            # Covering: the dashboard's scans read the index only (PostgreSQL).
            models.Index(
                fields=["program", "received_at"],
                include=[
                    "status",
                    "source",
                    "referrer_role",
                    "referrer_department",
                    "status_reason",
                    "first_contact_at",
                    "due_at",
                    "supported_at",
                ],
                name="referrals_dashboard_idx",
            ),
            models.Index(fields=["referred_by", "-received_at"], name="referrals_referrer_idx"),
            models.Index(
                fields=["program", "next_attempt_on", "id"],
                condition=Q(status__in=QUEUE_STATUSES, next_attempt_on__isnull=False),
                name="referrals_next_attempt_idx",
            ),
            # The dashboard's misses: referrals nobody contacted before their deadline.
            models.Index(
                fields=["program", "due_at"],
                include=["received_at", "closed_at"],
                condition=Q(first_contact_at__isnull=True) & ~Q(status="entered-in-error"),
                name="referrals_uncontacted_idx",
            ),
            models.Index(fields=["updated_at", "id"], name="referrals_updated_idx"),
            models.Index(
                fields=["due_at"],
                condition=Q(first_contact_at__isnull=True, escalated_at__isnull=True),
                name="referrals_escalation_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["submission_key"],
                condition=~Q(submission_key=""),
                name="referrals_referral_one_per_submission",
            ),
            models.CheckConstraint(
                condition=Q(consent_to_contact=True),
                name="referrals_referral_consent_required",
            ),
            models.CheckConstraint(
                condition=~Q(consent_obtained_by=""),
                name="referrals_referral_consent_who_required",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="referrals_referral_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(step="") | Q(step__in=Step.values),
                name="referrals_referral_step_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=REASON_REQUIRED) | ~Q(status_reason=""),
                name="referrals_referral_reason_required",
            ),
            models.CheckConstraint(
                condition=Q(
                    source=Source.SELF, referred_by__isnull=True, external_referrer__isnull=True
                )
                | Q(source=Source.EHR, referred_by__isnull=True, external_referrer__isnull=False)
                | (
                    ~Q(source__in=[Source.SELF, Source.EHR])
                    & Q(referred_by__isnull=False, external_referrer__isnull=True)
                ),
                name="referrals_referral_referrer_matches_source",
            ),
            models.CheckConstraint(
                condition=Q(due_at__gte=models.F("received_at")),
                name="referrals_referral_due_after_received",
            ),
            models.CheckConstraint(
                condition=Q(child_age_years__isnull=True) | Q(child_age_years__lte=30),
                name="referrals_referral_child_age_range",
            ),
            models.CheckConstraint(
                condition=~Q(duplicate_of=models.F("id")),
                name="referrals_referral_not_own_duplicate",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return reference_of(self.pk)

    @property
    def referred_name(self) -> str:
        """The family as the referrer typed it (caregiver, and child's first name)."""
        given = self.as_referred or {}
        name = " ".join(
            part
            for part in (given.get("caregiver_first_name"), given.get("caregiver_last_name"))
            if part
        )
        child = given.get("child_first_name")
        return f"{name} ({child})" if name and child else name

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def urgency_badge(self, now: Any = None) -> str:
        from kindred.referrals.deadlines import urgency_of

        if self.status in CLOSED:
            return "closed"
        return urgency_of(self.due_at, self.first_contact_at, now or timezone.now())

    # State changes (one pattern: kindred.audit.states) ---------------------------------------

    # FHIR Task state machine (Gravity SDOH Clinical Care IG), without draft / received / ready,
    # which a referral inbox does not need. Closed statuses can only be marked entered-in-error.
    TRANSITIONS = {
        Status.REQUESTED: frozenset(
            {Status.ACCEPTED, Status.REJECTED, Status.CANCELLED, Status.ENTERED_IN_ERROR}
        ),
        Status.ACCEPTED: frozenset(
            {
                Status.IN_PROGRESS,
                Status.ON_HOLD,
                Status.FAILED,
                Status.CANCELLED,
                Status.ENTERED_IN_ERROR,
            }
        ),
        Status.IN_PROGRESS: frozenset(
            {
                Status.ON_HOLD,
                Status.COMPLETED,
                Status.FAILED,
                Status.CANCELLED,
                Status.ENTERED_IN_ERROR,
            }
        ),
        Status.ON_HOLD: frozenset(
            {Status.IN_PROGRESS, Status.FAILED, Status.CANCELLED, Status.ENTERED_IN_ERROR}
        ),
        Status.REJECTED: frozenset({Status.ENTERED_IN_ERROR}),
        Status.COMPLETED: frozenset({Status.ENTERED_IN_ERROR}),
        Status.FAILED: frozenset({Status.ENTERED_IN_ERROR}),
        Status.CANCELLED: frozenset({Status.ENTERED_IN_ERROR}),
        Status.ENTERED_IN_ERROR: frozenset(),
    }
    # Gravity IG: Task.statusReason is required for these (also a database constraint).
    REASON_REQUIRED = REASON_REQUIRED
    # One action code for every move (`referrals.referral.status_changed`, which the audit trail
    # and docs/referrals.md name); the event's detail says from and to.
    AUDIT_VERBS = dict.fromkeys(Status.values, "status_changed")

    def _step_after(self, to: str, step: str | None) -> str:
        """The program's step once the referral is `to`: the step asked for, else "contacting"
        when work starts, else the step it is at."""
        if step is not None:
            return step
        if to == Status.IN_PROGRESS and not self.step:
            return Step.CONTACTING
        return self.step

    def check_transition(
        self,
        to: str,
        *,
        reason: str,
        step: str | None = None,
        referred_out_to: str = "",
        **extra: Any,
    ) -> None:
        if reason and reason not in Reason.values:
            raise TransitionError(_("Choose a reason from the list."), code="invalid_reason")
        if step is not None and step not in Step.values:
            raise TransitionError(_("Choose a step from the list."), code="invalid_step")
        next_step = self._step_after(to, step)
        if next_step == Step.REFERRED_OUT and not (referred_out_to.strip() or self.referred_out_to):
            raise TransitionError(
                _("Name the resource the family was referred to."), code="resource_required"
            )
        if to == Status.COMPLETED and next_step not in OUTCOMES:
            raise TransitionError(
                _(
                    "A referral is completed once the family is matched, in a group or referred out."
                ),
                code="outcome_required",
            )

    def apply_transition(
        self,
        from_status: str,
        to: str,
        *,
        now: Any,
        reason: str,
        step: str | None = None,
        referred_out_to: str = "",
        **extra: Any,
    ) -> list[str]:
        self._step_before_transition = self.step
        self.step = self._step_after(to, step)
        self.status_changed_at = now
        self.status_reason = reason if to in REASON_REQUIRED else ""
        if to == Status.ACCEPTED and self.accepted_at is None:
            self.accepted_at = now
        if self.step == Step.REFERRED_OUT:
            self.referred_out_to = (referred_out_to.strip() or self.referred_out_to)[:200]
        if self.step in SUPPORTED and self.supported_at is None:
            self.supported_at = now
        if to in CLOSED:
            self.closed_at = now
        return [
            "step",
            "status_reason",
            "status_changed_at",
            "accepted_at",
            "supported_at",
            "closed_at",
            "referred_out_to",
        ]

    def transition_row_fields(self, from_status: str, to: str, **extra: Any) -> dict[str, Any]:
        return {"from_step": self._step_before_transition, "to_step": self.step}

    def change_step(
        self,
        *,
        step: str,
        by: Any,
        note: str = "",
        referred_out_to: str = "",
        service: Any = None,
        request: HttpRequest | None = None,
    ) -> "Transition":
        """The program's own steps, inside in-progress (an outcome step completes nothing by
        itself: the coordinator completes the referral when the support has started)."""
        if step not in Step.values:
            raise TransitionError(_("Choose a step from the list."), code="invalid_step")
        with self.locked():
            if self.status != Status.IN_PROGRESS:
                raise TransitionError(
                    _("Steps change only while a referral is in progress."), code="not_allowed"
                )
            if self.step == step:
                raise TransitionError(
                    _("The referral is already at this step."), code="not_allowed"
                )
            if service is not None:
                referred_out_to = referred_out_to.strip() or service.name
            if step == Step.REFERRED_OUT and not referred_out_to.strip():
                raise TransitionError(
                    _("Name the resource the family was referred to."), code="resource_required"
                )
            now = timezone.now()
            from_step = self.step
            self.step = step
            if step == Step.REFERRED_OUT:
                self.referred_out_to = referred_out_to.strip()[:200]
                self.referred_out_service = service
            if step in SUPPORTED and self.supported_at is None:
                self.supported_at = now
            self.status_changed_at = now
            self.save(
                update_fields=[
                    "step",
                    "referred_out_to",
                    "referred_out_service",
                    "supported_at",
                    "status_changed_at",
                ]
            )
            row = self.write_transition_row(
                at=now,
                by=by,
                from_status=self.status,
                to_status=self.status,
                from_step=from_step,
                to_step=step,
                note=note,
            )
            self.audit_change(
                verb="step_changed",
                by=by,
                request=request,
                fields=["step"] + (["referred_out_to"] if self.referred_out_to else []),
                detail={
                    "from": from_step,
                    "to": step,
                    "service": str(service.pk) if service is not None else None,
                },
            )
        return row  # type: ignore[return-value]

    def log_contact_attempt(
        self,
        *,
        by: Any,
        method: str,
        outcome: str,
        at: Any = None,
        note: str = "",
        next_attempt_on: Any = None,
        request: HttpRequest | None = None,
    ) -> "ContactAttempt":
        """The first attempt that counts as first contact (the program's setting: reaching the
        family, or any attempt) stops the first-contact clock; the attempt's next date is the
        referral's next attempt (none: nothing planned)."""
        with self.locked():
            if self.status in CLOSED:
                raise TransitionError(
                    _("This referral is closed: no more contact attempts."), code="closed"
                )
            at = at or timezone.now()
            if at > timezone.now():
                raise TransitionError(
                    _("A contact attempt cannot be in the future."), code="in_future"
                )
            if next_attempt_on is not None and next_attempt_on < timezone.localdate(at):
                raise TransitionError(
                    _("The next attempt cannot be before this one."), code="next_in_past"
                )
            attempt = ContactAttempt(
                referral=self,
                by=by,
                method=method,
                outcome=outcome,
                at=at,
                note=note,
                next_attempt_on=next_attempt_on,
            )
            attempt.full_clean()
            attempt.save()
            changed = []
            counts = ReferralSettings.for_program(self.program_id).counts_as_first_contact(outcome)
            if counts and (self.first_contact_at is None or at < self.first_contact_at):
                self.first_contact_at = at
                changed.append("first_contact_at")
            latest = not self.contact_attempts.filter(at__gt=at).exists()
            if latest and self.next_attempt_on != next_attempt_on:
                self.next_attempt_on = next_attempt_on
                changed.append("next_attempt_on")
            if changed:
                self.save(update_fields=changed)
            # The attempt's own event (its action code predates the kit: docs/referrals.md).
            record(
                action="referrals.contactattempt.created",
                request=request,
                actor=by,
                program=self.program_id,
                obj=attempt,
                fields=["at", "method", "outcome"]
                + (["note"] if note else [])
                + (["next_attempt_on"] if next_attempt_on else []),
                detail={"referral": self.pk},
            )
        return attempt

    def failed_attempts(self) -> int:
        return self.contact_attempts.exclude(outcome=ContactAttempt.Outcome.REACHED).count()


class Transition(TransitionRow):
    """One change of status or step: who, when, from, to, why (Healthchecks' Flip). A step
    change inside in-progress keeps the status (from = to) and changes the step."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    from_step = models.CharField(max_length=20, choices=Step.choices, blank=True)
    to_step = models.CharField(max_length=20, choices=Step.choices, blank=True)
    # A code of the Reason list (FHIR Task.statusReason), not free text.
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices, blank=True)

    class Meta(TransitionRow.Meta):
        constraints = [
            models.CheckConstraint(
                condition=~Q(to_status__in=REASON_REQUIRED)
                | ~Q(reason="")
                | Q(from_status=models.F("to_status")),
                name="referrals_transition_reason_required",
            ),
            models.CheckConstraint(
                condition=~Q(from_status=models.F("to_status")) | ~Q(from_step=models.F("to_step")),
                name="referrals_transition_changes_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_status}/{self.from_step} -> {self.to_status}/{self.to_step}"


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text message")
    EMAIL = "email", _("E-mail")
    IN_PERSON = "in-person", _("In person")
    VIDEO = "video", _("Video call")


class ContactOutcome(models.TextChoices):
    REACHED = "reached", _("Reached the family")
    VOICEMAIL = "voicemail", _("Left a voicemail or message")
    NO_ANSWER = "no-answer", _("No answer")
    WRONG_NUMBER = "wrong-number", _("Wrong number or address")


class ContactAttempt(models.Model):
    Method = ContactMethod
    Outcome = ContactOutcome

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="contact_attempts"
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    method = models.CharField(_("how"), max_length=20, choices=Method.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    next_attempt_on = models.DateField(_("next attempt on"), null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=ContactMethod.values),
                name="referrals_contactattempt_method_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=ContactOutcome.values),
                name="referrals_contactattempt_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.at:%Y-%m-%d} {self.outcome}"


class SupportWanted(models.TextChoices):
    ONE_TO_ONE = "one-to-one", _("One-to-one with a mentor")
    GROUP = "group", _("A support group")
    BOTH = "both", _("Both")
    VIRTUAL = "virtual", _("Virtual support")


class Intake(models.Model):
    """What the family wants from a mentor, in the shape the matching issue reads:
    `criteria` maps a criterion to "must" (a filter) or a weight "high" / "medium" / "low"."""

    class Criterion(models.TextChoices):
        DIAGNOSIS = "diagnosis", _("Same diagnosis or condition")
        TREATMENT = "treatment", _("Same kind of treatment")
        CHILD_AGE = "child-age", _("Child of a similar age")
        LANGUAGE = "language", _("Speaks our language")
        CULTURE = "culture", _("Shares our culture or background")
        GENDER = "gender", _("Gender of the mentor")
        GEOGRAPHY = "geography", _("Lives near us")
        FAMILY_SITUATION = "family-situation", _("Similar family situation")

    class Weight(models.TextChoices):
        MUST = "must", _("Must have")
        HIGH = "high", _("Very important")
        MEDIUM = "medium", _("Important")
        LOW = "low", _("Nice to have")

    SupportWanted = SupportWanted

    class Gender(models.TextChoices):
        ANY = "", _("No preference")
        WOMAN = "woman", _("A woman")
        MAN = "man", _("A man")

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="intake")
    why_support = models.TextField(_("why the parent wants support"), blank=True)
    support_wanted = models.CharField(
        _("support wanted"),
        max_length=20,
        choices=SupportWanted.choices,
        default=SupportWanted.ONE_TO_ONE,
    )
    qualities_wanted = models.TextField(_("qualities wanted in a mentor"), blank=True)
    mentor_language = models.CharField(_("mentor's language"), max_length=8, blank=True)
    mentor_gender = models.CharField(
        _("mentor's gender"), max_length=10, choices=Gender.choices, blank=True
    )
    preferences = models.TextField(_("other preferences"), blank=True)
    criteria = models.JSONField(_("what matters in a match"), default=dict, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(support_wanted__in=SupportWanted.values),
                name="referrals_intake_support_wanted_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"intake of {self.referral_id}"

    def must_haves(self) -> list[str]:
        return sorted(k for k, v in self.criteria.items() if v == self.Weight.MUST)


class FirstContact(models.TextChoices):
    REACHED = "reached", _("Only reaching the family")
    ANY = "any", _("Any contact attempt (a voicemail too)")


class ReferralSettings(models.Model):
    """A program's referral settings beyond the first-contact target (kept on Program)."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="referral_settings"
    )
    business_hours_only = models.BooleanField(
        _("count the first-contact target in business hours"),
        default=False,
        help_text=_("Weekdays only, between the opening and closing times below."),
    )
    opens_at = models.TimeField(_("opens at"), default="09:00")
    closes_at = models.TimeField(_("closes at"), default="17:00")
    unable_to_reach_after = models.PositiveSmallIntegerField(
        _("failed contact attempts before closing as unable to reach"),
        default=3,
        help_text=_("Kindred then offers to close the referral; it never closes it by itself."),
    )
    self_referral_open = models.BooleanField(
        _("families may refer themselves on the public page"), default=True
    )
    first_contact = models.CharField(
        _("what counts as first contact"),
        max_length=10,
        choices=FirstContact.choices,
        default=FirstContact.REACHED,
        help_text=_("A voicemail stops the first-contact clock only if you choose “any attempt”."),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="referrals_referralsettings_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(unable_to_reach_after__gte=1) & Q(unable_to_reach_after__lte=20),
                name="referrals_referralsettings_attempts_range",
            ),
            models.CheckConstraint(
                condition=Q(first_contact__in=FirstContact.values),
                name="referrals_referralsettings_first_contact_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"referral settings of {self.program_id}"

    @classmethod
    def for_program(cls, program: Any) -> "ReferralSettings":
        found = cls.objects.filter(program=program).first()
        return found or cls(program_id=getattr(program, "pk", program))

    def counts_as_first_contact(self, outcome: str) -> bool:
        return self.first_contact == FirstContact.ANY or outcome == ContactOutcome.REACHED


class Notification(models.Model):
    """An in-app notice; its text is rendered when read, in the reader's language."""

    class Kind(models.TextChoices):
        NEW_REFERRAL = "new-referral", _("New referral")
        STATUS_CHANGED = "status-changed", _("Status changed")
        OVERDUE = "overdue", _("First contact overdue")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral_notifications"
    )
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(read_at__isnull=True),
                name="referrals_notification_unread",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "referral"],
                condition=Q(kind="overdue"),
                name="referrals_notification_one_escalation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class ConferenceItemQuerySet(ScopedQuerySet["ConferenceItem"]):
    VIEW_CAPABILITY = Cap.CASE_CONFERENCE


class ConferenceItem(models.Model):
    """A family on the weekly case conference agenda (medical-home practice, seed 002): the
    care coordinator puts the family on the list, team members add suggestions."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="conference_items"
    )
    family = models.ForeignKey(
        "families.Family", on_delete=models.PROTECT, related_name="conference_items"
    )
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="conference_items"
    )
    meeting_on = models.DateField(_("conference date"))
    topic = models.TextField(_("what to discuss"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    objects = ConferenceItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting_on", "added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "family", "meeting_on"],
                name="referrals_conferenceitem_family_once_per_meeting",
            ),
            models.CheckConstraint(
                condition=~Q(topic=""), name="referrals_conferenceitem_topic_required"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_on}: family {self.family_id}"


class ConferenceSuggestion(models.Model):
    item = models.ForeignKey(ConferenceItem, on_delete=models.PROTECT, related_name="suggestions")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    text = models.TextField(_("suggestion"))

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""), name="referrals_conferencesuggestion_text_required"
            ),
        ]

    def __str__(self) -> str:
        return f"suggestion on {self.item_id}"


class ReferrerAddition(models.Model):
    """Something the referrer adds to a referral already sent (a new phone, a detail they
    forgot): shown to the program on the referral's page; the referrer sees their own."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="additions")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    text = models.TextField(_("what to add"))

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""), name="referrals_referreraddition_text_required"
            ),
        ]

    def __str__(self) -> str:
        return f"addition to {self.referral_id}"
