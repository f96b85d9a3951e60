from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.mentors.vocab import validate_situations, validate_treatments
from kindred.programs.access import ScopedQuerySet
from kindred.programs.permissions import Cap


class MatchingQuerySet(ScopedQuerySet[Any]):
    VIEW_CAPABILITY = Cap.MATCHING_VIEW


class BlockedPair(models.Model):
    """A family and a mentor who must never be proposed to each other (the engine's Blocks)."""

    class Kind(models.TextChoices):
        DECLINED = "declined", _("The mentor declined this family before")
        CONFLICT = "conflict", _("Conflict of interest")
        NOT_GOOD_FIT = "not_good_fit", _("Not a good fit")

    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="+")
    family = models.ForeignKey(
        "families.Family", on_delete=models.PROTECT, related_name="matching_blocks"
    )
    mentor = models.ForeignKey(
        "mentors.Mentor", on_delete=models.PROTECT, related_name="matching_blocks"
    )
    kind = models.CharField(_("why"), max_length=20, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    match = models.ForeignKey(
        "matching.Match", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = MatchingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "mentor", "kind"], name="matching_blockedpair_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["declined", "conflict", "not_good_fit"]),
                name="matching_blockedpair_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"block {self.family_id}/{self.mentor_id}: {self.kind}"


class FamilyWishes(models.Model):
    """What matching needs of a family beyond the intake: in-person support, the family's
    situation, the culture asked for, and a looser match the family agreed to."""

    family = models.OneToOneField(
        "families.Family", on_delete=models.CASCADE, related_name="matching_wishes"
    )
    in_person = models.BooleanField(
        _("wants to meet in person"),
        default=False,
        help_text=_("Then only mentors who travel that far are proposed."),
    )
    situations = models.JSONField(
        _("the family's situation"),
        default=list,
        blank=True,
        validators=[validate_situations],
        help_text=_("As the parent describes it; a mentor in the same situation ranks higher."),
    )
    treatments = models.JSONField(
        _("treatments the child has had"),
        default=list,
        blank=True,
        validators=[validate_treatments],
        help_text=_("A mentor whose child had the same treatment ranks higher."),
    )
    culture_wanted = models.CharField(
        _("culture or background the family asked for"), max_length=120, blank=True
    )
    relaxed = models.JSONField(
        _("must-haves the family agreed to loosen"), default=list, blank=True
    )
    relaxed_note = models.CharField(_("what the family agreed to"), max_length=500, blank=True)
    relaxed_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("matching wishes")
        verbose_name_plural = _("matching wishes")

    def __str__(self) -> str:
        return f"wishes of {self.family_id}"
