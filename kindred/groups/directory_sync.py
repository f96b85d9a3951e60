"""A published group is a service of the directory (HSDS 3.0: kind "support group", its schedule
as an RFC 5545 rule spread over the schedule's columns). Kept in step whenever the group is
saved or changes status; a group that is no longer published is an inactive entry, never
deleted (the directory keeps its history)."""

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone, translation

from kindred.audit.log import record
from kindred.directory.hsds import KINDRED_NAMESPACE
from kindred.directory.models import (
    Capacity,
    Kind,
    Language,
    Modality,
    Referrer,
    Schedule,
    Service,
    ServiceStatus,
    ServiceTransition,
    codes_to_text,
)
from kindred.directory.recurrence import RULE_FIELDS
from kindred.directory.services import directory_organization_for
from kindred.groups.models import POPULATIONS, Format, SupportGroup
from kindred.groups.schedule import describe, rule_values
from kindred.lib.languages import english_name

# Populations of a group that are conditions of the directory's vocabulary.
DIRECTORY_CONDITIONS = {"nicu": "prematurity", "bereaved": "bereavement"}


def service_id(group: SupportGroup) -> uuid.UUID:
    return uuid.uuid5(KINDRED_NAMESPACE, f"kindred-group:{group.pk}")


def _words(group: SupportGroup) -> str:
    labels = dict(POPULATIONS)
    words = [str(labels[p]) for p in group.populations if p in labels]
    words += [c.label for c in group.conditions.all()]
    return ", ".join(words)[:500]


def _schedule(group: SupportGroup, service: Service) -> None:
    Schedule.objects.filter(service=service).delete()
    values = rule_values(group)
    end = datetime.combine(group.first_date, group.start_time) + timedelta(
        minutes=group.duration_minutes
    )
    texts = {}
    for language in ("en", "es"):
        with translation.override(language):
            texts[language] = f"{describe(group)}, {group.start_time:%H:%M}"
    Schedule.objects.create(
        service=service,
        dtstart=group.first_date,
        valid_from=group.first_date,
        opens_at=group.start_time,
        closes_at=end.time() if end.date() == group.first_date else None,
        description=texts["en"],
        description_es=texts["es"],
        attending_type=str(Format(group.format).label),
        **{name: values[name] if values[name] is not None else None for name in RULE_FIELDS},
    )


def group_changed(group: SupportGroup, *, by: Any, request: HttpRequest | None) -> Service | None:
    """Inside the caller's transaction: the group's directory entry, made when first published."""
    service = Service.objects.select_for_update().filter(pk=service_id(group)).first()
    listed = group.status == SupportGroup.Status.PUBLISHED and group.program.is_active
    if service is None and not listed:
        return None
    if service is None:
        service = Service(
            id=service_id(group),
            organization=directory_organization_for(group.program.organization),
            status=ServiceStatus.INACTIVE,
        )
    modalities = {
        Format.IN_PERSON: [Modality.IN_PERSON],
        Format.VIDEO: [Modality.VIDEO],
        Format.HYBRID: [Modality.IN_PERSON, Modality.VIDEO],
    }[Format(group.format)]
    service.name = group.name
    service.name_es = group.name_es
    service.description = group.description or group.name
    service.description_es = group.description_es
    service.kind = Kind.SUPPORT_GROUP
    service.modalities = codes_to_text(modalities)
    service.referred_by = codes_to_text([Referrer.SELF, Referrer.PROVIDER])
    service.conditions = codes_to_text(
        [DIRECTORY_CONDITIONS[p] for p in group.populations if p in DIRECTORY_CONDITIONS] or ["any"]
    )
    service.populations = _words(group)
    service.language_codes = codes_to_text([group.language])
    service.serves_remotely = group.format == Format.VIDEO
    service.is_free = True
    service.capacity = Capacity.WAITLIST if group.is_full else Capacity.OPEN
    service.extra = {**(service.extra or {}), "kindred_group": group.pk}
    now = timezone.now()
    service.last_modified = now
    service.last_verified_at = now
    service.last_verified_by = by if getattr(by, "pk", None) else None
    service.save()
    Language.objects.filter(service=service).delete()
    Language.objects.create(service=service, code=group.language, name=english_name(group.language))
    _schedule(group, service)
    target = ServiceStatus.ACTIVE if listed else ServiceStatus.INACTIVE
    if service.status != target and service.status != ServiceStatus.DEFUNCT:
        service.transition(to=target, by=by, request=request, via=ServiceTransition.Via.PROGRAM)
    record(
        action="directory.service.synced",
        request=request,
        actor=by,
        program=group.program,
        obj=service,
        detail={"group": group.pk},
    )
    return service


def places_changed(group: SupportGroup, *, by: Any, request: HttpRequest | None) -> bool:
    """Inside the caller's transaction (under the group's lock): a registration, cancellation
    or promotion changed the places taken, so the listed service's "full" state (waitlist or
    open) follows at once. Answers whether the directory entry changed."""
    capacity = Capacity.WAITLIST if group.is_full else Capacity.OPEN
    service = Service.objects.select_for_update().filter(pk=service_id(group)).first()
    if service is None or service.capacity == capacity:
        return False
    service.capacity = capacity
    service.last_modified = timezone.now()
    service.save(update_fields=["capacity", "last_modified"])
    record(
        action="directory.service.synced",
        request=request,
        actor=by,
        program=group.program_id,
        obj=service,
        fields=["capacity"],
        detail={"group": group.pk, "capacity": capacity},
    )
    return True
