"""SMART Backend Services clients (an EHR, a partner referral platform) and their tokens.

A client is registered by a program's coordinator or its organization's administrator, with a
public key set (JWKS, inline or at a URL), tied to the organization that sends its referrals
and allowed for chosen programs. It proves itself with a signed JWT assertion at
/fhir/auth/token (kindred.fhir.auth) and gets a 5-minute access token.
"""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.audit.states import Stateful, TransitionRow
from kindred.programs.access import ScopedQuerySet
from kindred.programs.permissions import Cap

ACCESS_TOKEN_SECONDS = 300


def new_client_id() -> str:
    return secrets.token_urlsafe(18)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class FhirClientProgramQuerySet(ScopedQuerySet["FhirClientProgram"]):
    """A client's permission for a program, seen by who manages the program's FHIR clients."""

    VIEW_CAPABILITY = Cap.FHIR_CLIENTS_MANAGE


class FhirClient(models.Model):
    name = models.CharField(_("name"), max_length=200)
    client_id = models.CharField(max_length=64, unique=True, default=new_client_id, editable=False)
    organization = models.ForeignKey(
        "programs.Organization",
        on_delete=models.PROTECT,
        related_name="fhir_clients",
        verbose_name=_("sending organization"),
    )
    programs = models.ManyToManyField(
        "programs.Program", through="FhirClientProgram", related_name="fhir_clients"
    )
    jwks = models.JSONField(_("public key set (JWKS)"), null=True, blank=True)
    jwks_url = models.URLField(_("public key set URL"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(jwks__isnull=False) | ~Q(jwks_url=""),
                name="fhir_fhirclient_keys_required",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_by__isnull=False),
                name="fhir_fhirclient_revoked_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class FhirClientProgram(models.Model):
    """A program a client may refer to, and the reference its EHR uses for it as Task.owner
    (besides Kindred's own `HealthcareService/<program id>`)."""

    client = models.ForeignKey(FhirClient, on_delete=models.CASCADE, related_name="links")
    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="+")
    owner_reference = models.CharField(
        _("the program's reference in the EHR (Task.owner)"), max_length=200, blank=True
    )

    objects = FhirClientProgramQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "program"], name="fhir_fhirclientprogram_once"
            ),
            models.UniqueConstraint(
                fields=["client", "owner_reference"],
                condition=~Q(owner_reference=""),
                name="fhir_fhirclientprogram_owner_reference_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} → {self.program_id}"


class UsedAssertion(models.Model):
    """A client assertion's `jti`, kept until it expires: a replay is refused (unique)."""

    client = models.ForeignKey(FhirClient, on_delete=models.CASCADE, related_name="+")
    jti = models.CharField(max_length=255)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "jti"], name="fhir_usedassertion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.jti}"


class AccessToken(models.Model):
    """A bearer token, stored as its SHA-256 only."""

    client = models.ForeignKey(FhirClient, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="fhir_accesstoken_expiry_idx")]

    def __str__(self) -> str:
        return f"token of {self.client_id}"

    @classmethod
    def issue(cls, client: FhirClient, scopes: list[str]) -> tuple["AccessToken", str]:
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        row = cls.objects.create(
            client=client,
            digest=token_digest(token),
            scopes=scopes,
            issued_at=now,
            expires_at=now + timedelta(seconds=ACCESS_TOKEN_SECONDS),
        )
        return row, token

    @classmethod
    def find(cls, token: str) -> Any:
        return (
            cls.objects.select_related("client", "client__organization")
            .filter(digest=token_digest(token), expires_at__gt=timezone.now())
            .first()
        )


# Subscriptions (push) ----------------------------------------------------------------------


class Subscription(Stateful):
    """A sender's R4 `rest-hook` Subscription to its Tasks (kindred.fhir.push): Kindred sends
    each new version of a matching Task, as the sender would read it, after commit. Its status
    is FHIR's: `active`, `error` once a notification failed every retry (back to `active` at
    the next success), `off` when deleted, when its `end` passed or its client was revoked."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ERROR = "error", _("Error")
        OFF = "off", _("Off")

    TRANSITIONS = {
        Status.ACTIVE: {Status.ERROR, Status.OFF},
        Status.ERROR: {Status.ACTIVE, Status.OFF},
        Status.OFF: set(),
    }
    REASON_REQUIRED = {Status.ERROR}
    AUDIT_VERBS = {Status.ACTIVE: "recovered", Status.ERROR: "failed", Status.OFF: "ended"}

    client = models.ForeignKey(FhirClient, on_delete=models.PROTECT, related_name="subscriptions")
    # Who may read and delete it: every client of the organization that registered it.
    organization = models.ForeignKey(
        "programs.Organization", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    reason = models.CharField(max_length=500)
    criteria = models.CharField(max_length=500)
    endpoint = models.URLField(max_length=500)
    payload = models.CharField(max_length=100, blank=True)
    headers = models.JSONField(default=list)
    end = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    # The FHIR base the client used, so a notification's Task carries the same references.
    base_url = models.CharField(max_length=500)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["active", "error", "off"]),
                name="fhir_subscription_status_known",
            ),
            models.CheckConstraint(
                condition=Q(deleted_at__isnull=True) | Q(status="off"),
                name="fhir_subscription_deleted_is_off",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="fhir_subscription_org_idx")
        ]

    def __str__(self) -> str:
        return f"Subscription/{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            self.version += 1
            self.updated_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version", "updated_at"}
        super().save(*args, **kwargs)

    def apply_transition(
        self, from_status: str, to: str, *, now: Any, reason: str, **extra: Any
    ) -> list[str]:
        if to == self.Status.ERROR:
            self.error = reason[:500]
        elif to == self.Status.ACTIVE:
            self.error = ""
        if extra.get("deleted"):
            self.deleted_at = now
        return ["error", "deleted_at"]


class SubscriptionTransition(TransitionRow):
    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, related_name="transitions"
    )

    class Meta(TransitionRow.Meta):
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=models.F("to_status")),
                name="fhir_subscriptiontransition_changes_status",
            ),
            models.CheckConstraint(
                condition=~Q(to_status="error") | ~Q(reason=""),
                name="fhir_subscriptiontransition_reason_required",
            ),
            models.CheckConstraint(
                condition=~Q(from_status="off"),
                name="fhir_subscriptiontransition_off_is_final",
            ),
        ]


class Delivery(models.Model):
    """One notification: a Task's version for a subscription, and its attempts (kept: the
    record of what was sent where, besides the audit events)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed after every retry")
        WITHHELD = "withheld", _("Not sent (the sender may no longer read it)")
        SUPERSEDED = "superseded", _("Not sent (a newer version went instead)")

    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, related_name="deliveries"
    )
    referral = models.ForeignKey("referrals.Referral", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "referral", "version"], name="fhir_delivery_once"
            ),
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(attempts__gte=1), name="fhir_delivery_sent_tried"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state__in=["pending", "sending"]),
                name="fhir_delivery_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id}: Task/{self.referral_id}/_history/{self.version}"
