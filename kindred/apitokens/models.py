"""Personal API tokens: a person's key to the JSON API (`/api/`), never more than their role.

A token is shown once when it is made; Kindred keeps only its SHA-256 digest (the secret is 256
random bits, so a slow hash adds nothing) and its first characters to tell tokens apart in a
list. A token is limited to chosen programs, to reading or to reading and writing, and expires.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.programs.models import Program

MAX_DAYS = 365


class PersonalTokenQuerySet(models.QuerySet["PersonalToken"]):
    def usable(self, now: Any = None) -> "PersonalTokenQuerySet":
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)


class PersonalToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. “monthly report”.")
    )
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    programs = models.ManyToManyField(Program, related_name="+", verbose_name=_("programs"))
    can_write = models.BooleanField(_("may change records"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = PersonalTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="apitoken_expires_after_created"
            ),
            models.CheckConstraint(
                condition=Q(expires_at__lte=F("created_at") + timedelta(days=MAX_DAYS + 1)),
                name="apitoken_expires_within_a_year",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="apitoken_has_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
