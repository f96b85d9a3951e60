"""The peer support resource directory, modelled on Open Referral HSDS 3.0.

HSDS tables keep their HSDS names and UUID ids (so an export round-trips an import). Peer-support
fields that HSDS has no column for live on `Service` (kind, conditions, modality, who may refer,
capacity, last verified); they are exported as HSDS attributes. HSDS tables Kindred does not edit
(funding, programs, required documents, accessibility, identifiers, metadata) are kept as they
came, in `extra`, and written back on export.
"""

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar, Self

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.audit.states import Stateful, TransitionError, TransitionRow
from kindred.programs.access import ScopedQuerySet, has_any_capability
from kindred.programs.models import OrganizationMembership
from kindred.programs.permissions import Cap
from kindred.programs.roles import OrganizationRole

# "Entries not verified within a configurable time are flagged as stale" (issue 5).
DEFAULT_STALE_DAYS = 365


def stale_days() -> int:
    return int(getattr(settings, "DIRECTORY_STALE_DAYS", DEFAULT_STALE_DAYS))


class Kind(models.TextChoices):
    ONE_TO_ONE = "one_to_one", _("One-to-one parent match")
    SUPPORT_GROUP = "support_group", _("Support group")
    INFO_LINE = "info_line", _("Information line")
    ONLINE_COMMUNITY = "online_community", _("Online community")
    TRAINING = "training", _("Training")


class Modality(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    ONLINE = "online", _("Online")


class Referrer(models.TextChoices):
    SELF = "self", _("Families may refer themselves")
    PROVIDER = "provider", _("Providers may refer")


class Condition(models.TextChoices):
    """Conditions or populations a service serves (CYSHCN; DOMAIN.md)."""

    ANY = "any", _("Any condition")
    PREMATURITY = "prematurity", _("Prematurity / NICU")
    HEART = "heart", _("Congenital heart disease")
    DOWN_SYNDROME = "down_syndrome", _("Down syndrome")
    CANCER = "cancer", _("Cancer")
    DIABETES = "diabetes", _("Diabetes")
    AUTISM = "autism", _("Autism")
    TECHNOLOGY = "technology", _("Technology dependence (trach, feeding tube)")
    RARE = "rare", _("Rare or undiagnosed conditions")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    BEREAVEMENT = "bereavement", _("Bereavement")
    KIDNEY = "kidney", _("Kidney disease")


class Capacity(models.TextChoices):
    OPEN = "open", _("Taking new families")
    WAITLIST = "waitlist", _("Waitlist")
    FULL = "full", _("Not taking new families")


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DEFUNCT = "defunct", _("Defunct")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")


def codes_to_text(codes: Sequence[str]) -> str:
    """Multi-valued codes stored as ",a,b," so `contains=",a,"` filters on every database."""
    kept = [c for c in dict.fromkeys(codes) if c]
    return f",{','.join(kept)}," if kept else ""


def text_to_codes(text: str) -> list[str]:
    return [c for c in (text or "").split(",") if c]


def curated_organization_ids(user: Any) -> list[int]:
    """Kindred organizations whose directory entries this person curates."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_kindred_curated_orgs", None)
    if cached is not None:
        return cached
    ids = sorted(
        OrganizationMembership.objects.filter(
            user=user, is_active=True, role=OrganizationRole.CURATOR
        ).values_list("organization_id", flat=True)
    )
    user._kindred_curated_orgs = ids
    return ids


class NetworkQuerySet(ScopedQuerySet[Any]):
    """Rows of the shared network directory, which belong to no program. Listed rows are read
    by anyone holding directory.view in any program; every row, by the directory curators of
    the Kindred organization that stewards it, who alone hold directory.curate over it."""

    VIEW_CAPABILITY = Cap.DIRECTORY_VIEW
    PROGRAM_FIELD = ""
    STEWARD_FIELD: ClassVar[str] = "steward"

    def listed_scope(self) -> models.Q:
        raise NotImplementedError

    def visible_to(self, user: Any) -> Self:
        if not has_any_capability(user, self.VIEW_CAPABILITY):
            return self.none()
        curated = models.Q(**{f"{self.STEWARD_FIELD}__in": curated_organization_ids(user)})
        return self.filter(self.listed_scope() | curated)

    def grants(self, user: Any, obj: Any, capability: str) -> bool:
        if capability == Cap.DIRECTORY_CURATE:
            *path, last = self.STEWARD_FIELD.split("__")
            target = obj
            for name in path:
                target = getattr(target, name)
            return getattr(target, f"{last}_id") in curated_organization_ids(user)
        return has_any_capability(user, capability)


class OrganizationQuerySet(NetworkQuerySet):
    def listed_scope(self) -> models.Q:
        """An organization is found through its listed services."""
        return models.Q(
            models.Exists(
                Service.objects.filter(
                    organization=models.OuterRef("pk"), status=ServiceStatus.ACTIVE
                )
            )
        )


class Organization(models.Model):
    """HSDS organization: who provides services (not a Kindred organization)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    steward = models.ForeignKey(
        "programs.Organization",
        on_delete=models.PROTECT,
        related_name="directory_organizations",
        verbose_name=_("curated by"),
        help_text=_("The Kindred organization whose directory curators keep this entry."),
    )
    name = models.CharField(_("name"), max_length=250)
    alternate_name = models.CharField(_("other name"), max_length=250, blank=True)
    description = models.TextField(_("description"))
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    tax_status = models.CharField(max_length=100, blank=True)
    tax_id = models.CharField(max_length=100, blank=True)
    year_incorporated = models.PositiveIntegerField(null=True, blank=True)
    legal_status = models.CharField(max_length=100, blank=True)
    logo = models.CharField(_("logo address"), max_length=500, blank=True)
    uri = models.CharField(max_length=500, blank=True)
    parent_organization_id = models.UUIDField(null=True, blank=True)
    # The logo printed on resource folders (a Kindred organization's own entry), kept in the
    # database: small, and no media server to configure.
    logo_image = models.BinaryField(blank=True, default=b"", editable=False)
    logo_type = models.CharField(max_length=20, blank=True, editable=False)
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    modified_at = models.DateTimeField(default=timezone.now)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name=""), name="directory_organization_name_required"
            ),
            models.CheckConstraint(
                condition=models.Q(logo_type__in=["", "image/png", "image/jpeg"]),
                name="directory_organization_logo_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def logo_data_uri(self) -> str:
        if not self.logo_image or not self.logo_type:
            return ""
        import base64

        return f"data:{self.logo_type};base64,{base64.b64encode(bytes(self.logo_image)).decode()}"


class ServiceQuerySet(NetworkQuerySet):
    STEWARD_FIELD = "organization__steward"

    def listed_scope(self) -> models.Q:
        return models.Q(status=ServiceStatus.ACTIVE)

    def listed(self) -> "ServiceQuerySet":
        """What families and providers may find: active, not withdrawn."""
        return self.filter(status=ServiceStatus.ACTIVE)

    def stewarded_by(self, organization_ids: list[int]) -> "ServiceQuerySet":
        """Services of the entries these Kindred organizations steward (a curator's ids come
        from `curated_organization_ids`)."""
        return self.filter(organization__steward_id__in=organization_ids)

    def stale(self) -> "ServiceQuerySet":
        cutoff = timezone.now() - timedelta(days=stale_days())
        return self.filter(
            models.Q(last_verified_at__isnull=True) | models.Q(last_verified_at__lt=cutoff)
        )


class Service(Stateful):
    """HSDS service, with the peer-support attributes Kindred adds."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=250)
    name_es = models.CharField(_("name in Spanish"), max_length=250, blank=True)
    alternate_name = models.CharField(_("other name"), max_length=250, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_es = models.TextField(_("description in Spanish"), blank=True)
    url = models.URLField(_("website"), max_length=500, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    interpretation_services = models.TextField(blank=True)
    application_process = models.TextField(_("how to apply"), blank=True)
    application_process_es = models.TextField(_("how to apply, in Spanish"), blank=True)
    fees_description = models.TextField(_("cost"), blank=True)
    fees_description_es = models.TextField(_("cost, in Spanish"), blank=True)
    is_free = models.BooleanField(_("free of charge"), default=True)
    wait_time = models.CharField(max_length=250, blank=True)
    fees = models.CharField(max_length=250, blank=True)
    accreditations = models.TextField(blank=True)
    eligibility_description = models.TextField(_("who it is for"), blank=True)
    eligibility_description_es = models.TextField(_("who it is for, in Spanish"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("youngest child's age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("oldest child's age"), null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = models.EmailField(blank=True)
    licenses = models.TextField(blank=True)
    alert = models.TextField(blank=True)
    # Peer-support attributes (issue 5).
    kind = models.CharField(_("kind of support"), max_length=20, choices=Kind.choices, blank=True)
    conditions = models.CharField(_("conditions served"), max_length=500, blank=True)
    populations = models.CharField(
        _("conditions or populations, in words"),
        max_length=500,
        blank=True,
        help_text=_("Words families and providers search for, e.g. trisomy 21, NICU, dads."),
    )
    modalities = models.CharField(_("how it is offered"), max_length=100, blank=True)
    referred_by = models.CharField(_("who may refer"), max_length=50, blank=True)
    language_codes = models.CharField(_("languages"), max_length=200, blank=True)
    capacity = models.CharField(
        _("capacity"), max_length=10, choices=Capacity.choices, default=Capacity.OPEN
    )
    capacity_note = models.CharField(_("capacity note"), max_length=250, blank=True)
    serves_remotely = models.BooleanField(
        _("virtual or statewide"),
        default=False,
        help_text=_("Always shown in a distance search: families anywhere can use it."),
    )
    last_verified_at = models.DateTimeField(_("last verified"), null=True, blank=True)
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_program = models.OneToOneField(
        "programs.Program",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directory_service",
        verbose_name=_("Kindred program"),
    )
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_modified = models.DateTimeField(default=timezone.now)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name=""), name="directory_service_name_required"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ServiceStatus.values),
                name="directory_service_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(minimum_age__isnull=True)
                | models.Q(maximum_age__isnull=True)
                | models.Q(minimum_age__lte=models.F("maximum_age")),
                name="directory_service_age_range_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "name"], name="directory_service_status_idx"),
            models.Index(fields=["last_modified"], name="directory_service_modified_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    # Texts in the reader's language "where the text exists" (issue 5), English otherwise.
    def text(self, field: str, language: str) -> str:
        if language == "es":
            translated = getattr(self, f"{field}_es", "")
            if translated:
                return translated
        return getattr(self, field)

    @property
    def condition_list(self) -> list[str]:
        return text_to_codes(self.conditions)

    @property
    def modality_list(self) -> list[str]:
        return text_to_codes(self.modalities)

    @property
    def referred_by_list(self) -> list[str]:
        return text_to_codes(self.referred_by)

    @property
    def language_list(self) -> list[str]:
        return text_to_codes(self.language_codes)

    def condition_labels(self) -> list[str]:
        labels = dict(Condition.choices)
        return [str(labels.get(c, c)) for c in self.condition_list]

    def modality_labels(self) -> list[str]:
        labels = dict(Modality.choices)
        return [str(labels.get(c, c)) for c in self.modality_list]

    def referrer_labels(self) -> list[str]:
        labels = dict(Referrer.choices)
        return [str(labels.get(c, c)) for c in self.referred_by_list]

    @property
    def is_stale(self) -> bool:
        if self.last_verified_at is None:
            return True
        return self.last_verified_at < timezone.now() - timedelta(days=stale_days())

    # The life of an entry (one state-change pattern: kindred.audit.states), over the HSDS 3.0
    # service statuses. Active, inactive and temporarily closed move freely among themselves: a
    # service is withdrawn, paused and restored as it happens. Defunct (the service no longer
    # exists) is final but for a curator's correction of a mistake, which brings the entry back
    # unlisted (inactive) with a reason; listing it again is a second, deliberate move. An entry
    # is never deleted: families may hold a folder naming it.
    TRANSITIONS = {
        ServiceStatus.ACTIVE: frozenset(
            {ServiceStatus.INACTIVE, ServiceStatus.TEMPORARILY_CLOSED, ServiceStatus.DEFUNCT}
        ),
        ServiceStatus.INACTIVE: frozenset(
            {ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED, ServiceStatus.DEFUNCT}
        ),
        ServiceStatus.TEMPORARILY_CLOSED: frozenset(
            {ServiceStatus.ACTIVE, ServiceStatus.INACTIVE, ServiceStatus.DEFUNCT}
        ),
        ServiceStatus.DEFUNCT: frozenset({ServiceStatus.INACTIVE}),
    }
    # The next curator (and a referrer who finds the entry gone) needs to know why it closed
    # and whether it reopens; withdrawing an entry (inactive) needs no reason.
    REASON_REQUIRED = frozenset({ServiceStatus.DEFUNCT, ServiceStatus.TEMPORARILY_CLOSED})
    # One action code for every move (`directory.service.status_changed`); detail: from, to.
    AUDIT_VERBS = dict.fromkeys(ServiceStatus.values, "status_changed")

    def check_transition(self, to: str, *, reason: str, **extra: Any) -> None:
        if self.status == ServiceStatus.DEFUNCT and not reason:
            raise TransitionError(
                _("Say what was wrong: bringing back an entry marked defunct needs a reason."),
                code="reason_required",
            )

    def apply_transition(
        self, from_status: str, to: str, *, now: datetime, reason: str, **extra: Any
    ) -> list[str]:
        self.last_modified = now
        return ["last_modified"]

    def transition_row_fields(
        self, from_status: str, to: str, *, via: str = "", **extra: Any
    ) -> dict[str, Any]:
        return {"via": via or ServiceTransition.Via.CURATOR}

    def verify(self, *, by: Any, request: HttpRequest | None = None) -> "ServiceEvent":
        """A curator confirms the entry is still right today."""
        with self.locked():
            before = self.last_verified_at
            self.last_verified_at = timezone.now()
            self.last_verified_by = by
            self.save(update_fields=["last_verified_at", "last_verified_by"])
            event = self.events.create(
                kind=ServiceEvent.Kind.VERIFIED,
                from_value=before.isoformat() if before else "",
                to_value=self.last_verified_at.isoformat(),
                by=by,
            )
            self.audit_change(verb="verified", by=by, request=request, fields=["last_verified_at"])
        return event

    def history(self, limit: int = 5) -> list["ServiceEvent | ServiceTransition"]:
        """The latest events and status changes, newest first."""
        rows: list[ServiceEvent | ServiceTransition] = [
            *self.events.select_related("by").order_by("-at", "-id")[:limit],
            *self.transitions.select_related("by").order_by("-at", "-id")[:limit],
        ]
        return sorted(rows, key=lambda row: row.at, reverse=True)[:limit]


class ServiceTransition(TransitionRow):
    """One change of a service's status: who, when, from, to, why, and whether a curator or
    the program publishing its own entry made it."""

    class Via(models.TextChoices):
        CURATOR = "curator", _("By a directory curator")
        PROGRAM = "program", _("By the program's own settings")

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(
        _("from"), max_length=20, choices=ServiceStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=ServiceStatus.choices)
    via = models.CharField(_("by way of"), max_length=10, choices=Via.choices, default=Via.CURATOR)

    class Meta(TransitionRow.Meta):
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_status=models.F("to_status")),
                name="directory_servicetransition_changes_status",
            ),
            models.CheckConstraint(
                condition=~models.Q(to_status__in=["defunct", "temporarily closed"])
                | ~models.Q(reason=""),
                name="directory_servicetransition_reason_required",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_status="defunct") | ~models.Q(reason=""),
                name="directory_servicetransition_correction_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(via__in=["curator", "program"]),
                name="directory_servicetransition_via_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_id}: {self.from_status} -> {self.to_status}"

    def summary(self) -> str:
        """What the service page's history says of this change."""
        if self.via == self.Via.PROGRAM:
            if self.to_status == ServiceStatus.ACTIVE:
                return str(_("Published from a program"))
            return str(_("Withdrawn from the directory"))
        return str(_("Status changed: %(status)s")) % {"status": self.get_to_status_display()}


class ServiceEvent(models.Model):
    """Something that happened to a service that is not a status change: a curator verified
    it, or an HSDS import wrote it. Status changes are `ServiceTransition` rows."""

    class Kind(models.TextChoices):
        VERIFIED = "verified", _("Verified")
        IMPORTED = "imported", _("Imported")

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_value = models.CharField(max_length=100, blank=True)
    to_value = models.CharField(max_length=100, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["verified", "imported"]),
                name="directory_serviceevent_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.kind} {self.at:%Y-%m-%d}"

    def summary(self) -> str:
        return str(self.get_kind_display())


class Location(models.Model):
    class LocationType(models.TextChoices):
        PHYSICAL = "physical", _("Physical")
        POSTAL = "postal", _("Postal")
        VIRTUAL = "virtual", _("Virtual")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="locations"
    )
    location_type = models.CharField(
        max_length=10, choices=LocationType.choices, default="physical"
    )
    url = models.CharField(max_length=500, blank=True)
    name = models.CharField(_("name"), max_length=250, blank=True)
    alternate_name = models.CharField(max_length=250, blank=True)
    description = models.TextField(blank=True)
    transportation = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = models.CharField(max_length=100, blank=True)
    external_identifier_type = models.CharField(max_length=100, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="directory_location_geo_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(location_type__in=["physical", "postal", "virtual"]),
                name="directory_location_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(self.id)

    @property
    def has_coordinates(self) -> bool:
        # HSDS examples carry placeholder coordinates (latitude 100): not on Earth, not used.
        return (
            self.latitude is not None
            and self.longitude is not None
            and -90 <= self.latitude <= 90
            and -180 <= self.longitude <= 180
        )


class Address(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=250, blank=True)
    address_1 = models.CharField(_("street address"), max_length=250)
    address_2 = models.CharField(max_length=250, blank=True)
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(max_length=100, blank=True)
    state_province = models.CharField(_("state"), max_length=100)
    postal_code = models.CharField(_("ZIP code"), max_length=20)
    country = models.CharField(max_length=2, default="US")
    address_type = models.CharField(max_length=10, default="physical")

    def __str__(self) -> str:
        return f"{self.address_1}, {self.city}"

    def one_line(self) -> str:
        parts = [
            self.address_1,
            self.address_2,
            self.city,
            f"{self.state_province} {self.postal_code}",
        ]
        return ", ".join(p.strip() for p in parts if p and p.strip())


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description = models.TextField(blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "location"], name="directory_serviceatlocation_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} @ {self.location_id}"


class Contact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    name = models.CharField(max_length=250, blank=True)
    title = models.CharField(max_length=250, blank=True)
    department = models.CharField(max_length=250, blank=True)
    email = models.EmailField(blank=True)

    def __str__(self) -> str:
        return self.name or str(self.id)


class Phone(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    number = models.CharField(_("phone number"), max_length=50)
    extension = models.PositiveIntegerField(null=True, blank=True)
    type = models.CharField(max_length=20, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(number=""), name="directory_phone_number_required"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Language(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    phone = models.ForeignKey(
        Phone, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    name = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=10, blank=True)
    note = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name or self.code


class Schedule(models.Model):
    """HSDS schedule: an RFC 5545 recurrence (freq, byday...) plus opening hours."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    timezone = models.FloatField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    wkst = models.CharField(max_length=2, blank=True)
    freq = models.CharField(max_length=10, blank=True)
    interval = models.PositiveIntegerField(null=True, blank=True)
    byday = models.CharField(max_length=100, blank=True)
    byweekno = models.CharField(max_length=100, blank=True)
    bymonthday = models.CharField(max_length=100, blank=True)
    byyearday = models.CharField(max_length=100, blank=True)
    description = models.TextField(_("hours"), blank=True)
    description_es = models.TextField(_("hours, in Spanish"), blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    schedule_link = models.CharField(max_length=500, blank=True)
    attending_type = models.CharField(max_length=500, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(freq__in=["", "WEEKLY", "MONTHLY"]),
                name="directory_schedule_freq_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.description or self.freq

    def text(self, language: str) -> str:
        return self.description_es if language == "es" and self.description_es else self.description


class ServiceArea(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=20, blank=True)
    uri = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.name or str(self.id)


class CostOption(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = models.CharField(max_length=250, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    amount_description = models.CharField(max_length=250, blank=True)

    def __str__(self) -> str:
        return self.option or str(self.id)


class Taxonomy(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=250)
    description = models.TextField()
    uri = models.CharField(max_length=500, blank=True)
    version = models.CharField(max_length=50, blank=True)

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=250)
    description = models.TextField()
    parent_id = models.UUIDField(null=True, blank=True)
    taxonomy = models.CharField(max_length=250, blank=True)
    taxonomy_detail = models.ForeignKey(
        Taxonomy, on_delete=models.PROTECT, null=True, blank=True, related_name="terms"
    )
    language = models.CharField(max_length=10, blank=True)
    term_uri = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.name


class Attribute(models.Model):
    """HSDS attribute: a taxonomy term attached to any record (link_type names the table)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    link_id = models.UUIDField(db_index=True)
    link_type = models.CharField(max_length=50, blank=True)
    link_entity = models.CharField(max_length=50, blank=True)
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, on_delete=models.PROTECT, related_name="attributes"
    )
    value = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.link_entity}:{self.link_id} {self.taxonomy_term_id}"


class SharedListQuerySet(ScopedQuerySet["SharedList"]):
    VIEW_CAPABILITY = Cap.DIRECTORY_SHARE


class SharedList(models.Model):
    """A list of favourite resources colleagues of a program share ("our cardiology list")."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="directory_lists"
    )
    name = models.CharField(_("name"), max_length=120)
    services = models.ManyToManyField(Service, through="SharedListItem", related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SharedListQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "name"], name="directory_sharedlist_name_once"
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""), name="directory_sharedlist_name_required"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SharedListItem(models.Model):
    shared_list = models.ForeignKey(SharedList, on_delete=models.CASCADE, related_name="items")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["service__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["shared_list", "service"], name="directory_sharedlistitem_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shared_list_id}:{self.service_id}"


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ResourceShareQuerySet(ScopedQuerySet["ResourceShare"]):
    VIEW_CAPABILITY = Cap.DIRECTORY_SHARE


class ResourceShare(models.Model):
    """Resources given to a family, recorded on the family's record (folder and/or e-mail link).

    The e-mailed link opens a page of the resources only (token, no sign-in): it names no family
    and no condition, so a forwarded e-mail discloses nothing about the child.
    """

    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="+")
    family = models.ForeignKey(
        "families.Family", on_delete=models.PROTECT, related_name="resource_shares"
    )
    services = models.ManyToManyField(Service, related_name="+")
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    emailed_to = models.EmailField(_("e-mailed to"), blank=True)
    texted_to = models.CharField(
        _("texted to"), max_length=20, blank=True, default="", db_default=""
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    objects = ResourceShareQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="directory_resourceshare_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"share {self.pk}"

    @staticmethod
    def new_token() -> tuple[str, str]:
        token = secrets.token_urlsafe(32)
        return token, _hash_token(token)

    @classmethod
    def by_token(cls, token: str) -> "ResourceShare | None":
        return (
            cls.objects.filter(token_hash=_hash_token(token), expires_at__gt=timezone.now())
            .select_related("program", "program__organization")
            .first()
        )
