import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from kindred.lib.languages import validate_language_codes
from kindred.programs.roles import OrganizationRole, Role


class Organization(models.Model):
    """A health system, hospital, practice or community family organization."""

    class Kind(models.TextChoices):
        HEALTH_SYSTEM = "health_system", _("Health system")
        HOSPITAL = "hospital", _("Hospital")
        PRACTICE = "practice", _("Pediatric practice")
        COMMUNITY = "community", _("Community family organization")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")

    def __str__(self) -> str:
        return self.name


class Program(models.Model):
    """A parent-to-parent peer support program run by an organization."""

    class Scope(models.TextChoices):
        HOSPITAL_WIDE = "hospital_wide", _("Hospital-wide")
        UNIT = "unit", _("Unit or department")
        CLINIC = "clinic", _("Clinic")
        COMMUNITY = "community", _("Community")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="programs",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    offers_one_to_one = models.BooleanField(_("offers one-to-one support"), default=True)
    offers_groups = models.BooleanField(_("offers support groups"), default=False)
    offers_virtual = models.BooleanField(_("offers virtual peer support"), default=False)
    mentor_title = models.CharField(
        _("title for mentors"),
        max_length=60,
        default="Parent Mentor",
        help_text=_('What this program calls its mentors, e.g. "Family Partner".'),
    )
    mentor_title_es = models.CharField(
        _("title for mentors in Spanish"),
        max_length=60,
        blank=True,
        help_text=_('e.g. "Compañera de Familia". Left empty, the English title is used.'),
    )
    languages = models.JSONField(
        _("languages served"),
        default=list,
        blank=True,
        help_text=_("Codes of Kindred's list of languages (ISO 639), e.g. en, es."),
        validators=[validate_language_codes],
    )
    first_contact_target_hours = models.PositiveIntegerField(
        _("first-contact target (hours)"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 30)],
        help_text=_("P2P practice: first contact with a referred family within 24–48 hours."),
    )
    accepts_outside_referrals = models.BooleanField(
        _("accepts referrals from other organizations"), default=True
    )
    sends_texts = models.BooleanField(
        _("sends text messages"),
        default=False,
        db_default=False,  # rows written by code that predates the field (migration tests)
        help_text=_(
            "Families who agreed to texts can receive a link by text message (resources shared "
            "with them). Needs a text provider set up for this installation."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("program")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_contact_target_hours__gte=1)
                & models.Q(first_contact_target_hours__lte=24 * 30),
                name="programs_program_first_contact_target_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.slug:
            self.slug = slugify(self.name)[:80]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def mentor_title_for(self, language: str) -> str:
        if language == "es" and self.mentor_title_es:
            return self.mentor_title_es
        return self.mentor_title


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> "MembershipQuerySet":
        return self.filter(is_active=True, user__is_active=True)


class Membership(models.Model):
    """A person's role in a program. One person may hold several roles, in several programs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["program", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "program", "role"], name="programs_membership_one_role_once"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="programs_membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.program}"

    def change_role(self, *, role: str) -> None:
        with transaction.atomic():
            locked = Membership.objects.select_for_update().get(pk=self.pk)
            if (
                Membership.objects.filter(
                    user_id=locked.user_id, program_id=locked.program_id, role=role
                )
                .exclude(pk=locked.pk)
                .exists()
            ):
                raise ValueError("This person already has that role in this program.")
            locked.role = role
            locked.changed_at = timezone.now()
            locked.save(update_fields=["role", "changed_at"])
            self.role = locked.role


class OrganizationMembership(models.Model):
    """Organization-wide roles: administrator (programs and members), directory curator."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="organization_memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=OrganizationRole.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"],
                name="programs_organizationmembership_one_role_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organization}"


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> "InvitationQuerySet":
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """A one-time link that lets a person join a program with a role.

    Only the token's hash is stored: the link itself exists in the e-mail alone.
    """

    email = models.EmailField(_("e-mail address"))
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("role"), max_length=20)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="programs_invitation_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"invitation for {self.email}"

    @classmethod
    def issue(
        cls, *, email: str, program: Program, role: str, invited_by: Any
    ) -> tuple["Invitation", str]:
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        invitation = cls(
            email=email.lower(),
            program=program,
            role=role,
            token_hash=_hash_token(token),
            invited_by=invited_by,
            created_at=now,
            expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        invitation.full_clean()
        invitation.save()
        return invitation, token

    @classmethod
    def find_pending(cls, token: str) -> "Invitation | None":
        return (
            cls.objects.pending()
            .select_related("program")
            .filter(token_hash=_hash_token(token))
            .first()
        )

    def mark_accepted(self, *, user: Any) -> None:
        with transaction.atomic():
            locked = Invitation.objects.select_for_update().get(pk=self.pk)
            if locked.accepted_at is not None:
                raise ValueError("This invitation has been used already.")
            locked.accepted_at = timezone.now()
            locked.accepted_by = user
            locked.save(update_fields=["accepted_at", "accepted_by"])

    def get_role_label(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role
