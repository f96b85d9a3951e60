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
