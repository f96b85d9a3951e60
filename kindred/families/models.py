"""Families, caregivers, children, their conditions and experiences, and consent.

The family is the record every program keeps (issue 3). Health information here is never
hard-deleted by a user action: families are closed, merged or marked entered-in-error, and
caregivers and children are marked inactive or entered-in-error (see `docs/families.md`).
"""

import re
import unicodedata
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.audit.states import Stateful, TransitionError, TransitionRow
from kindred.lib.extensions import matched_families_modules
from kindred.lib.languages import LANGUAGE_CODES, language_choices
from kindred.programs.access import ScopedQuerySet, program_ids_with
from kindred.programs.models import Program
from kindred.programs.permissions import Cap


def normalize_text(value: str) -> str:
    """Lower case, accents removed, spaces collapsed: "José  GARCÍA" -> "jose garcia".

    Search and duplicate detection compare normalized text, so a coordinator typing "Garcia"
    finds "García" on SQLite and PostgreSQL alike, without the unaccent extension.
    """
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def phone_digits(value: str) -> str:
    """Digits of a phone number, without a leading US country code: comparable across formats."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits


def language_search_text(codes: Any) -> str:
    """The caregivers' language codes as " en es ": a search for " es " finds only Spanish
    (a bare "es" would also be found inside another code)."""
    joined = " ".join(sorted({c for c in codes if c}))
    return f" {joined} "[:60] if joined else ""


# --- Vocabularies shared with the mentors app ----------------------------------------------


class ConditionCategory(models.Model):
    """A program-defined grouping of conditions, e.g. "Congenital heart disease"."""

    program = models.ForeignKey(
        Program,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="condition_categories",
        help_text=_("Empty: part of the starter list every program shares."),
    )
    name = models.CharField(_("name"), max_length=120)
    name_es = models.CharField(_("name in Spanish"), max_length=120, blank=True)
    slug = models.SlugField(max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name = _("condition category")
        verbose_name_plural = _("condition categories")
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=models.Q(program__isnull=True),
                name="families_conditioncategory_starter_slug_unique",
            ),
            models.UniqueConstraint(
                fields=["program", "slug"],
                condition=models.Q(program__isnull=False),
                name="families_conditioncategory_program_slug_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def label_for(self, language: str) -> str:
        return self.name_es if language == "es" and self.name_es else self.name


class VocabularyQuerySet(models.QuerySet[Any]):
    def for_program(self, program: Program | int | None) -> "VocabularyQuerySet":
        """The starter list plus the program's own entries."""
        program_id = program.pk if isinstance(program, Program) else program
        return self.filter(models.Q(program__isnull=True) | models.Q(program_id=program_id))


class Condition(models.Model):
    """A coded condition (ICD-10-CM), shared by children (families) and mentors' own children."""

    code = models.CharField(
        _("ICD-10-CM code"),
        max_length=10,
        blank=True,
        help_text=_("e.g. Q90.9. May be empty for a program's own grouping."),
    )
    label = models.CharField(_("label"), max_length=200)
    label_es = models.CharField(_("label in Spanish"), max_length=200, blank=True)
    category = models.ForeignKey(
        ConditionCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conditions",
        verbose_name=_("category"),
    )
    program = models.ForeignKey(
        Program,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conditions",
        help_text=_("Empty: part of the starter list every program shares."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = VocabularyQuerySet.as_manager()

    class Meta:
        ordering = ["label"]
        verbose_name = _("condition")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "label"],
                condition=models.Q(program__isnull=True),
                name="families_condition_starter_unique",
            ),
            models.UniqueConstraint(
                fields=["program", "code", "label"],
                condition=models.Q(program__isnull=False),
                name="families_condition_program_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(label=""), name="families_condition_label_required"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.code})" if self.code else self.label

    def label_for(self, language: str) -> str:
        label = self.label_es if language == "es" and self.label_es else self.label
        return f"{label} ({self.code})" if self.code else label


class Experience(models.Model):
    """An experience relevant to matching: NICU stay, tracheostomy, transplant, ..."""

    name = models.CharField(_("name"), max_length=120)
    name_es = models.CharField(_("name in Spanish"), max_length=120, blank=True)
    program = models.ForeignKey(
        Program,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="experiences",
        help_text=_("Empty: part of the starter list every program shares."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = VocabularyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("experience")
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(program__isnull=True),
                name="families_experience_starter_unique",
            ),
            models.UniqueConstraint(
                fields=["program", "name"],
                condition=models.Q(program__isnull=False),
                name="families_experience_program_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""), name="families_experience_name_required"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def label_for(self, language: str) -> str:
        return self.name_es if language == "es" and self.name_es else self.name


# --- The family ----------------------------------------------------------------------------


ZIP_FORMAT = _("Enter a ZIP code of 5 digits, or ZIP+4 (12345-6789).")


class FamilyQuerySet(ScopedQuerySet["Family"]):
    """Families the user may see: all of their programs' families for coordinators and
    supervisors (FAMILIES_VIEW); only the families matched to them for mentors."""

    VIEW_CAPABILITY = Cap.FAMILIES_VIEW

    def extra_scope(self, user: Any) -> models.Q | None:
        matched_programs = program_ids_with(user, Cap.FAMILIES_VIEW_MATCHED)
        if not matched_programs:
            return None
        return models.Q(pk__in=matched_family_ids(user, matched_programs))

    def open(self) -> "FamilyQuerySet":
        return self.filter(status=Family.Status.ACTIVE)


def matched_family_ids(user: Any, program_ids: list[int]) -> models.QuerySet[Any] | list[int]:
    """The ids of the families matched to `user` (a mentor) in `program_ids`: what the apps
    with a `matched_families` module say (the matching app: the mentor's active matches).
    Without such an app a mentor sees no family."""
    modules = matched_families_modules()
    if not modules:
        return []
    if len(modules) == 1:
        return modules[0].matched_family_ids(user, program_ids)
    ids: set[int] = set()
    for module in modules:
        ids |= set(module.matched_family_ids(user, program_ids).values_list("family_id", flat=True))
    return sorted(ids)


class Family(Stateful):
    """A family the program supports: caregivers and the child or children with special
    health care needs."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")
        MERGED = "merged", _("Merged into another record")
        ENTERED_IN_ERROR = "entered_in_error", _("Entered in error")

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="families", verbose_name=_("program")
    )
    name = models.CharField(
        _("family name"),
        max_length=200,
        help_text=_('How the program refers to this family, e.g. "García".'),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    address_line1 = models.CharField(_("address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address, line 2"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=2, blank=True)
    zip_code = models.CharField(
        _("ZIP code"), max_length=10, blank=True, help_text=_("5 digits, or ZIP+4.")
    )
    notes = models.TextField(_("notes"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_families",
        verbose_name=_("merged into"),
    )
    version = models.PositiveIntegerField(default=1)
    # A token placed in the "new family" form: a second identical POST finds the first family.
    form_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    # Normalized search columns, rebuilt by refresh_search() whenever people change.
    search_text = models.TextField(blank=True, default="", editable=False)
    search_phones = models.TextField(blank=True, default="", editable=False)
    search_emails = models.TextField(blank=True, default="", editable=False)
    sort_name = models.CharField(max_length=200, blank=True, default="", editable=False)
    languages = models.CharField(max_length=60, blank=True, default="", editable=False)

    objects = FamilyQuerySet.as_manager()

    class Meta:
        ordering = ["sort_name", "id"]
        verbose_name = _("family")
        verbose_name_plural = _("families")
        indexes = [
            models.Index(fields=["program", "status", "sort_name", "id"], name="families_list_idx"),
            models.Index(fields=["program", "sort_name", "id"], name="families_program_sort_idx"),
            models.Index(fields=["program", "-created_at"], name="families_program_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "closed", "merged", "entered_in_error"]),
                name="families_family_status_valid",
            ),
            models.CheckConstraint(
                condition=(models.Q(status="merged") & models.Q(merged_into__isnull=False))
                | (~models.Q(status="merged") & models.Q(merged_into__isnull=True)),
                name="families_family_merged_has_target",
            ),
            models.CheckConstraint(
                condition=models.Q(status="active") | ~models.Q(status_reason=""),
                name="families_family_reason_when_not_active",
            ),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("id")),
                name="families_family_not_merged_into_itself",
            ),
            models.CheckConstraint(
                condition=models.Q(zip_code="")
                | models.Q(zip_code__regex=r"^[0-9]{5}(-[0-9]{4})?$"),
                name="families_family_zip_code_format",
                violation_error_message=ZIP_FORMAT,
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""), name="families_family_name_required"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("families:detail", args=[self.pk])

    def clean(self) -> None:
        self.zip_code = (self.zip_code or "").strip()
        self.state = (self.state or "").strip().upper()
        if self.zip_code and not re.fullmatch(r"[0-9]{5}(-[0-9]{4})?", self.zip_code):
            raise ValidationError({"zip_code": ZIP_FORMAT})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.ACTIVE

    def refresh_search(self, *, save: bool = True) -> None:
        """Rebuild the normalized search columns from the family's active people."""
        caregivers = [c for c in self.caregivers.all() if c.is_active]
        children = [c for c in self.children.all() if c.is_active]
        names = [self.name]
        names += [f"{c.first_name} {c.last_name}" for c in caregivers]
        names += [f"{c.first_name} {c.last_name}" for c in children]
        self.search_text = normalize_text(" | ".join(n for n in names if n.strip()))
        phones = {phone_digits(p) for c in caregivers for p in (c.phone, c.phone_alt)}
        self.search_phones = " ".join(sorted(p for p in phones if p))
        self.search_emails = " ".join(sorted({c.email.lower() for c in caregivers if c.email}))
        primary = next(
            (c for c in caregivers if c.is_primary), caregivers[0] if caregivers else None
        )
        self.sort_name = normalize_text(
            f"{self.name} {primary.first_name}" if primary else self.name
        )[:200]
        self.languages = language_search_text(c.preferred_language for c in caregivers)
        if save:
            Family.objects.filter(pk=self.pk).update(
                search_text=self.search_text,
                search_phones=self.search_phones,
                search_emails=self.search_emails,
                sort_name=self.sort_name,
                languages=self.languages,
            )

    # The life of a family record (one state-change pattern: kindred.audit.states).
    TRANSITIONS = {
        "active": {"closed", "entered_in_error", "merged"},
        "closed": {"active", "entered_in_error", "merged"},
        "merged": set(),
        "entered_in_error": set(),
    }
    REASON_REQUIRED = frozenset({"closed", "entered_in_error", "merged"})
    AUDIT_VERBS = {
        "active": "reopened",
        "closed": "closed",
        "entered_in_error": "entered_in_error",
        "merged": "merged_away",
    }

    def check_transition(self, to: str, *, reason: str, **extra: Any) -> None:
        if to == self.Status.MERGED and extra.get("merged_into") is None:
            raise TransitionError(_("Choose the record this one is merged into."))

    def apply_transition(
        self, from_status: str, to: str, *, now: Any, reason: str, **extra: Any
    ) -> list[str]:
        self.status_reason = reason if to != self.Status.ACTIVE else ""
        self.status_changed_at = now
        self.merged_into = extra.get("merged_into") if to == self.Status.MERGED else None
        self.version += 1
        self.updated_at = now
        return ["status_reason", "status_changed_at", "merged_into", "version", "updated_at"]


class FamilyTransition(TransitionRow):
    """One status change of a family: who, when, from, to, why."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="transitions")

    class Meta(TransitionRow.Meta):
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_status=models.F("to_status")),
                name="families_familytransition_changes_status",
            ),
            models.CheckConstraint(
                condition=models.Q(to_status="active") | ~models.Q(reason=""),
                name="families_familytransition_reason_required",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family_id}: {self.from_status} -> {self.to_status}"


class FamilyMerge(models.Model):
    """Two records of one family made one: which ids moved where, so nothing is lost."""

    keep = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="merges_in")
    merged = models.OneToOneField(Family, on_delete=models.PROTECT, related_name="merge_out")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    moved = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(keep=models.F("merged")),
                name="families_familymerge_two_records",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} -> {self.keep_id}"


class Caregiver(models.Model):
    """A parent or other caregiver in the family: the person the program supports."""

    class Relationship(models.TextChoices):
        MOTHER = "mother", _("Mother")
        FATHER = "father", _("Father")
        PARENT = "parent", _("Parent")
        GRANDPARENT = "grandparent", _("Grandparent")
        FOSTER_PARENT = "foster_parent", _("Foster parent")
        GUARDIAN = "guardian", _("Legal guardian")
        OTHER = "other", _("Other relative or caregiver")

    class ContactMethod(models.TextChoices):
        PHONE = "phone", _("Phone call")
        TEXT = "text", _("Text message")
        EMAIL = "email", _("E-mail")
        VIDEO = "video", _("Video call")
        IN_PERSON = "in_person", _("In person")

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        NONBINARY = "nonbinary", _("Non-binary")
        SELF_DESCRIBED = "self_described", _("Self-described")
        NOT_SAID = "not_said", _("Prefers not to say")

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="caregivers")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    relationship = models.CharField(
        _("relationship to the child"), max_length=20, choices=Relationship.choices
    )
    is_primary = models.BooleanField(_("primary contact"), default=False)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    phone_alt = models.CharField(_("other phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=language_choices, default="en"
    )
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    preferred_contact_method = models.CharField(
        _("preferred way to be contacted"),
        max_length=20,
        choices=ContactMethod.choices,
        default=ContactMethod.PHONE,
    )
    preferred_contact_time = models.CharField(
        _("best time to reach them"),
        max_length=100,
        blank=True,
        help_text=_("e.g. weekday evenings"),
    )
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, blank=True)
    gender_self_described = models.CharField(
        _("gender, in their words"), max_length=100, blank=True
    )
    race_ethnicity = models.CharField(
        _("race or ethnicity, in their words"),
        max_length=200,
        blank=True,
        help_text=_(
            "Optional. Only if the caregiver chooses to say; used to offer a mentor with a shared "
            "background and for equity reporting."
        ),
    )
    identity_notes = models.CharField(
        _("other identity they want us to know"),
        max_length=300,
        blank=True,
        help_text=_(
            "Optional, in their words: culture, faith, disability, being a single parent, "
            "LGBTQ+ family... used only for matching."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    phone_digits = models.CharField(max_length=30, blank=True, default="", editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_primary", "id"]
        verbose_name = _("caregiver")
        indexes = [
            models.Index(fields=["phone_digits"], name="families_caregiver_phone_idx"),
            models.Index(fields=["family", "is_active"], name="families_caregiver_family_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(first_name=""), name="families_caregiver_first_name_required"
            ),
            models.UniqueConstraint(
                fields=["family"],
                condition=models.Q(is_primary=True, is_active=True),
                name="families_caregiver_one_primary",
            ),
            models.CheckConstraint(
                condition=models.Q(preferred_language__in=LANGUAGE_CODES),
                name="families_caregiver_language_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.phone_digits = phone_digits(self.phone)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "phone" in update_fields:
            kwargs["update_fields"] = {*update_fields, "phone_digits"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return str(self)

    def clean(self) -> None:
        errors = {}
        for name in ("phone", "phone_alt"):
            value = getattr(self, name)
            if value and not 7 <= len(phone_digits(value)) <= 15:
                errors[name] = _("Enter a phone number with its area code, e.g. 312-555-0142.")
        if self.gender == self.Gender.SELF_DESCRIBED and not self.gender_self_described.strip():
            errors["gender_self_described"] = _("Write the gender in the caregiver's own words.")
        if errors:
            raise ValidationError(errors)


BIRTH_IN_FUTURE = _("The date of birth cannot be in the future.")


class Child(models.Model):
    """A child or youth with special health care needs."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="children")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    date_of_birth = models.DateField(
        _("date of birth"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a diagnosis before birth."),
    )
    conditions = models.ManyToManyField(
        Condition, blank=True, related_name="children", verbose_name=_("conditions")
    )
    experiences = models.ManyToManyField(
        Experience, blank=True, related_name="children", verbose_name=_("experiences")
    )
    care_settings = models.CharField(
        _("where the child receives care"),
        max_length=300,
        blank=True,
        help_text=_("Inpatient units and outpatient clinics, e.g. PICU, cardiology clinic."),
    )
    is_deceased = models.BooleanField(
        _("the child has died"),
        default=False,
        help_text=_("Bereaved families are supported differently."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date_of_birth", "id"]
        verbose_name = _("child")
        verbose_name_plural = _("children")
        indexes = [
            models.Index(fields=["date_of_birth"], name="families_child_birth_idx"),
            models.Index(fields=["family", "is_active"], name="families_child_family_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(first_name=""), name="families_child_first_name_required"
            ),
            # Not in the future: compared with the moment the row was last written.
            models.CheckConstraint(
                condition=models.Q(date_of_birth__isnull=True)
                | models.Q(date_of_birth__lte=models.F("updated_at")),
                name="families_child_birth_not_in_future",
                violation_error_message=BIRTH_IN_FUTURE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def full_name(self) -> str:
        return str(self)

    def clean(self) -> None:
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            raise ValidationError({"date_of_birth": BIRTH_IN_FUTURE})

    def age_label(self) -> str:
        from django.utils.translation import ngettext

        if not self.date_of_birth:
            return ""
        today = timezone.localdate()
        months = (
            (today.year - self.date_of_birth.year) * 12 + today.month - self.date_of_birth.month
        )
        if today.day < self.date_of_birth.day:
            months -= 1
        if months < 24:
            return ngettext("%(n)d month", "%(n)d months", months) % {"n": months}
        return ngettext("%(n)d year", "%(n)d years", months // 12) % {"n": months // 12}


class Consent(models.Model):
    """One consent decision: a caregiver grants or withdraws permission for one scope.

    Entries are never edited: a change of mind is a new entry. The latest entry for a scope
    decides (kindred.families.consent.may). P2P practice: no contact and no match without the
    parent's expressed permission.
    """

    class Scope(models.TextChoices):
        CONTACT = "contact", _("Contact by the program")
        TEXT = "text", _("Text messages from the program")
        SHARE_WITH_MENTOR = "share_with_mentor", _("Share information with a mentor")
        SHARE_STATUS_WITH_REFERRER = (
            "share_status_with_referrer",
            _("Share the referral's status with the referrer"),
        )
        GROUPS = "groups", _("Take part in support groups")
        EVALUATION_DEIDENTIFIED = (
            "evaluation_deidentified",
            _("Use de-identified information for evaluation"),
        )

    class Decision(models.TextChoices):
        GRANTED = "granted", _("Granted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Method(models.TextChoices):
        VERBAL = "verbal", _("Verbal")
        WRITTEN = "written", _("Written")
        ELECTRONIC = "electronic", _("Electronic")

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="consents")
    scope = models.CharField(_("what for"), max_length=40, choices=Scope.choices)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    effective_at = models.DateTimeField(_("when"), default=timezone.now)
    method = models.CharField(_("how"), max_length=20, choices=Method.choices)
    given_by = models.ForeignKey(
        Caregiver,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("given by"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-effective_at", "-id"]
        verbose_name = _("consent")
        indexes = [
            models.Index(
                fields=["family", "scope", "-effective_at", "-id"],
                name="families_consent_latest_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    scope__in=[
                        "contact",
                        "text",
                        "share_with_mentor",
                        "share_status_with_referrer",
                        "groups",
                        "evaluation_deidentified",
                    ]
                ),
                name="families_consent_scope_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(decision__in=["granted", "withdrawn"]),
                name="families_consent_decision_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(method__in=["verbal", "written", "electronic"]),
                name="families_consent_method_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()}: {self.get_decision_display()}"

    @property
    def granted(self) -> bool:
        return self.decision == self.Decision.GRANTED


class FamilyImportQuerySet(ScopedQuerySet["FamilyImport"]):
    VIEW_CAPABILITY = Cap.FAMILIES_IMPORT_EXPORT


class FamilyImport(Stateful):
    """A spreadsheet being imported: uploaded, mapped, previewed, then imported all at once.

    The import itself is a background task (kindred/families/import_jobs.py): "importing" while
    it checks every row and writes them; "imported" in the same transaction as the rows; back to
    "uploaded" with the rows to fix when the full check finds errors (nothing written); "failed"
    when the task itself broke (nothing written). The file's content is kept only until the
    import ends (imported, abandoned or failed), then cleared.
    """

    TRANSITIONS = {
        "uploaded": {"importing", "abandoned"},
        "importing": {"imported", "uploaded", "failed"},
        "imported": set(),
        "abandoned": set(),
        "failed": set(),
    }
    AUDIT_VERBS = {
        "importing": "import_started",
        "imported": "imported",
        "uploaded": "import_refused",
        "abandoned": "abandoned",
        "failed": "import_failed",
    }

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        IMPORTING = "importing", _("Importing")
        IMPORTED = "imported", _("Imported")
        ABANDONED = "abandoned", _("Abandoned")
        FAILED = "failed", _("Failed")

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="family_imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(max_length=200)
    content = models.BinaryField(blank=True, default=b"")
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADED)
    row_count = models.PositiveIntegerField(default=0)
    imported_count = models.PositiveIntegerField(default=0)
    # The background task's share of the work done, 0 to 1 (the checking part is saved here;
    # the writing part, inside the rows' transaction, is published through the cache).
    progress = models.FloatField(default=0.0)
    # The last full check's rows to fix: [[row number, [message, ...]], ...], at most 200.
    check_errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = FamilyImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["uploaded", "importing", "imported", "abandoned", "failed"]
                ),
                name="families_familyimport_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__gte=0) & models.Q(progress__lte=1),
                name="families_familyimport_progress_0_1",
            ),
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        return round(100 * self.progress)

    def apply_transition(
        self, from_status: str, to: str, *, now: Any, reason: str, **extra: Any
    ) -> list[str]:
        if to == "importing":
            self.progress, self.check_errors, self.error_count = 0.0, [], 0
            return ["progress", "check_errors", "error_count"]
        if to == "uploaded":  # the full check found rows to fix: nothing was written
            self.progress = 0.0
            self.check_errors = extra.get("check_errors", [])
            self.error_count = extra.get("error_count", 0)
            return ["progress", "check_errors", "error_count"]
        self.content = b""
        self.finished_at = now
        self.imported_count = extra.get("imported_count", 0)
        self.progress = 1.0 if to == "imported" else self.progress
        return ["content", "finished_at", "imported_count", "progress"]


class FamilyImportTransition(TransitionRow):
    """An import's end: imported or abandoned, by whom, when."""

    family_import = models.ForeignKey(
        FamilyImport, on_delete=models.PROTECT, related_name="transitions"
    )

    class Meta(TransitionRow.Meta):
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_status=models.F("to_status")),
                name="families_familyimporttransition_changes_status",
            ),
        ]
