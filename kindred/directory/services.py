"""Directory workflows spanning several models: a program's own entry, a curator's edit."""

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kindred.audit.log import record
from kindred.directory.geo import zip_centroid
from kindred.directory.hsds import KINDRED_NAMESPACE
from kindred.directory.models import (
    Address,
    Capacity,
    Kind,
    Language,
    Location,
    Modality,
    Organization,
    Phone,
    Referrer,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceEvent,
    ServiceStatus,
    ServiceTransition,
    codes_to_text,
)
from kindred.directory.recurrence import RULE_FIELDS, parse_rule, rule_text
from kindred.lib.languages import english_name
from kindred.programs.models import Organization as KindredOrganization
from kindred.programs.models import Program


def directory_organization_id(organization: KindredOrganization) -> uuid.UUID:
    return uuid.uuid5(KINDRED_NAMESPACE, f"kindred-organization:{organization.pk}")


def directory_organization_for(organization: KindredOrganization) -> Organization:
    """The HSDS organization standing for a Kindred organization (one, with a stable id)."""
    pk = directory_organization_id(organization)
    entry, created = Organization.objects.get_or_create(
        pk=pk,
        defaults={
            "steward": organization,
            "name": organization.name,
            "description": organization.name,
        },
    )
    if not created and entry.name != organization.name:
        entry.name = organization.name
        entry.modified_at = timezone.now()
        entry.save(update_fields=["name", "modified_at"])
    return entry


@dataclass
class PublishDetails:
    phone: str = ""
    email: str = ""
    url: str = ""
    zip_code: str = ""
    description: str = ""
    description_es: str = ""


def _program_texts(program: Program) -> tuple[str, str]:
    def text(language: str) -> str:
        with translation.override(language):
            parts = [
                _(
                    "Parent-to-parent peer support: a trained %(title)s who has raised a child with "
                    "special health care needs listens, shares experience and helps the family find "
                    "their way."
                )
                % {"title": program.mentor_title_for(language)}
            ]
            if program.offers_groups:
                parts.append(_("Support groups led by parents."))
            if program.offers_virtual:
                parts.append(_("Support by phone and video is available."))
            return " ".join(parts)

    return text("en"), text("es")


def _program_shape(program: Program) -> dict[str, Any]:
    if program.offers_one_to_one:
        kind = Kind.ONE_TO_ONE
    elif program.offers_groups:
        kind = Kind.SUPPORT_GROUP
    else:
        kind = Kind.ONLINE_COMMUNITY
    modalities = [Modality.IN_PERSON, Modality.PHONE]
    if program.offers_virtual:
        modalities += [Modality.VIDEO]
    referrers = [Referrer.SELF] + ([Referrer.PROVIDER] if program.accepts_outside_referrals else [])
    return {
        "name": program.name,
        "kind": kind,
        "modalities": codes_to_text(modalities),
        "referred_by": codes_to_text(referrers),
        "conditions": codes_to_text(["any"]),
        "serves_remotely": program.offers_virtual,
        "is_free": True,
    }


def program_service_sync(
    *,
    program: Program,
    by: Any = None,
    publish: bool | None = None,
    details: PublishDetails | None = None,
    request: HttpRequest | None = None,
) -> Service | None:
    """Keep a program's own directory entry in step with its settings.

    `publish=True/False` is the coordinator's switch; `publish=None` (after the program settings
    change) only refreshes an entry that exists. Never creates an entry the program did not ask for.
    Raises TransitionError, and changes nothing, when the entry cannot be listed (defunct).
    """
    with transaction.atomic():
        program = (
            Program.objects.select_for_update().select_related("organization").get(pk=program.pk)
        )
        service = Service.objects.select_for_update().filter(source_program=program).first()
        if service is None and not publish:
            return None
        description_en, description_es = _program_texts(program)
        shape = _program_shape(program)
        if service is None:
            service = Service(
                source_program=program,
                organization=directory_organization_for(program.organization),
                status=ServiceStatus.INACTIVE,
            )
        for key, value in shape.items():
            setattr(service, key, value)
        if details is not None:
            service.description = details.description or description_en
            service.description_es = details.description_es or description_es
            service.email = details.email
            service.url = details.url
        elif not service.description:
            service.description, service.description_es = description_en, description_es
        service.language_codes = codes_to_text(program.languages or ["en"])
        service.capacity = Capacity.OPEN
        now = timezone.now()
        service.last_modified = now
        service.last_verified_at = now  # the program's own settings are its verification
        service.last_verified_by = by if getattr(by, "pk", None) else None
        service.save()
        Language.objects.filter(service=service).delete()
        Language.objects.bulk_create(
            [
                Language(service=service, code=code, name=english_name(code))
                for code in (program.languages or ["en"])
            ]
        )
        if details is not None:
            _replace_contact_points(
                service, phone=details.phone, zip_code=details.zip_code, name=program.name
            )
        target = None
        if publish is True:
            target = ServiceStatus.ACTIVE if program.is_active else ServiceStatus.INACTIVE
        elif publish is False or not program.is_active:
            target = ServiceStatus.INACTIVE
        # A defunct entry is already unlisted; only a curator's correction brings it back.
        if target == ServiceStatus.INACTIVE and service.status == ServiceStatus.DEFUNCT:
            target = None
        if target and target != service.status:
            # Its own transition row and audit event; refused (TransitionError) for a defunct
            # entry the program asks to publish.
            service.transition(to=target, by=by, request=request, via=ServiceTransition.Via.PROGRAM)
        record(
            action="directory.service.synced",
            request=request,
            actor=by,
            program=program,
            obj=service,
        )
    return service


def _replace_contact_points(service: Service, *, phone: str, zip_code: str, name: str) -> None:
    Phone.objects.filter(service=service).delete()
    if phone:
        Phone.objects.create(service=service, number=phone, type="voice")
    links = ServiceAtLocation.objects.filter(service=service).select_related("location")
    old_locations = [link.location for link in links]
    links.delete()
    for location in old_locations:
        if not location.service_at_locations.exists():
            location.delete()
    center = zip_centroid(zip_code) if zip_code else None
    if center:
        location = Location.objects.create(
            organization=service.organization,
            name=name,
            latitude=center[0],
            longitude=center[1],
            location_type=Location.LocationType.PHYSICAL,
            extra={"postal_code": zip_code},
        )
        ServiceAtLocation.objects.create(service=service, location=location)


@dataclass
class PrimaryPlace:
    """What a curator types for a service's main place, phone and hours."""

    location_name: str = ""
    address_1: str = ""
    address_2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = "US"
    phone: str = ""
    hours: str = ""
    hours_es: str = ""
    hours_rule: str = ""  # RFC 5545, checked by the form (kindred.directory.recurrence)
    languages: tuple[str, ...] = ()


def service_save(
    *,
    service: Service,
    place: PrimaryPlace,
    by: Any,
    request: HttpRequest | None = None,
    created: bool,
) -> Service:
    """Save a curator's edit of a service with its main location, phone, hours and languages."""
    with transaction.atomic():
        service.last_modified = timezone.now()
        service.language_codes = codes_to_text(sorted(place.languages))
        service.full_clean(exclude=["organization", "last_verified_by", "source_program"])
        service.save()
        Language.objects.filter(service=service).delete()
        Language.objects.bulk_create(
            [Language(service=service, code=c, name=english_name(c)) for c in place.languages]
        )
        phone = Phone.objects.filter(service=service).order_by("id").first()
        if place.phone:
            if phone is None:
                Phone.objects.create(service=service, number=place.phone, type="voice")
            elif phone.number != place.phone:
                phone.number = place.phone
                phone.save(update_fields=["number"])
        elif phone is not None:
            phone.delete()
        schedule = Schedule.objects.filter(service=service).order_by("id").first()
        if place.hours or place.hours_es or place.hours_rule:
            if schedule is None:
                schedule = Schedule(service=service)
            schedule.description, schedule.description_es = place.hours, place.hours_es
            rule, problems = parse_rule(place.hours_rule)
            if problems:
                raise ValidationError({"hours_rule": [p.message for p in problems]})
            for name, value in rule.items():
                setattr(schedule, name, value)
            schedule.save()
        elif schedule is not None:
            schedule.delete()
        _save_place(service, place)
        if created:
            ServiceEvent.objects.create(
                service=service, kind=ServiceEvent.Kind.VERIFIED, to_value="created", by=by
            )
            service.last_verified_at = timezone.now()
            service.last_verified_by = by
            service.save(update_fields=["last_verified_at", "last_verified_by"])
        record(
            action="directory.service.created" if created else "directory.service.changed",
            request=request,
            actor=by,
            obj=service,
        )
    return service


def _save_place(service: Service, place: PrimaryPlace) -> None:
    link = (
        ServiceAtLocation.objects.filter(service=service)
        .select_related("location")
        .order_by("id")
        .first()
    )
    if not (place.address_1 or place.postal_code):
        return
    center = zip_centroid(place.postal_code)
    if link is None:
        location = Location.objects.create(
            organization=service.organization, name=place.location_name
        )
        link = ServiceAtLocation.objects.create(service=service, location=location)
    location = link.location
    location.name = place.location_name
    location.latitude, location.longitude = center if center else (None, None)
    location.save()
    address = location.addresses.order_by("id").first() or Address(location=location)
    address.address_1 = place.address_1
    address.address_2 = place.address_2
    address.city = place.city
    address.state_province = place.state
    address.postal_code = place.postal_code
    address.country = place.country or "US"
    address.save()


def primary_place_of(service: Service) -> PrimaryPlace:
    link = (
        ServiceAtLocation.objects.filter(service=service)
        .select_related("location")
        .order_by("id")
        .first()
    )
    address = link.location.addresses.order_by("id").first() if link else None
    phone = Phone.objects.filter(service=service).order_by("id").first()
    schedule = Schedule.objects.filter(service=service).order_by("id").first()
    return PrimaryPlace(
        location_name=link.location.name if link else "",
        address_1=address.address_1 if address else "",
        address_2=address.address_2 if address else "",
        city=address.city if address else "",
        state=address.state_province if address else "",
        postal_code=address.postal_code if address else "",
        country=address.country if address else "US",
        phone=phone.number if phone else "",
        hours=schedule.description if schedule else "",
        hours_es=schedule.description_es if schedule else "",
        hours_rule=rule_text(model_to_dict(schedule, fields=RULE_FIELDS)) if schedule else "",
        languages=tuple(service.language_list),
    )
