"""HSDS 3.0 out: service, organization and service-at-location objects, and validation.

Every object written here validates against the official HSDS JSON Schemas in
`standards/hsds-3.0/schema/` (`kindred.lib.standards.HSDS_SCHEMA_DIR`).
Kindred's peer-support fields travel as HSDS attributes of a "Kindred peer support" taxonomy
(deterministic UUIDs), so another Kindred, or any HSDS reader, receives them.
"""

import json
import uuid
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from kindred.directory.models import (
    Address,
    Condition,
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
)
from kindred.lib.standards import HSDS_SCHEMA_DIR

SCHEMA_DIR = HSDS_SCHEMA_DIR
HSDS_VERSION = "3.0"
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"

# Kindred's own taxonomy, with ids that never change between exports.
KINDRED_NAMESPACE = uuid.UUID("6f1d2a1e-8a4b-4f5e-9a53-6b1e0c2f7d10")
KINDRED_TAXONOMY_ID = uuid.uuid5(KINDRED_NAMESPACE, "taxonomy")
KINDRED_TAXONOMY = {
    "id": str(KINDRED_TAXONOMY_ID),
    "name": "Kindred peer support",
    "description": "Peer-support attributes of a service: kind, conditions served, modality, "
    "who may refer, capacity, and Spanish texts.",
    "uri": "https://kindred.example/hsds/peer-support",
    "version": "1",
}
# (group, choices) whose codes become taxonomy terms "group:code".
TERM_GROUPS: dict[str, Any] = {
    "kind": Kind,
    "condition": Condition,
    "modality": Modality,
    "referrer": Referrer,
}
TEXT_ES_FIELDS = (
    "name_es",
    "description_es",
    "eligibility_description_es",
    "fees_description_es",
    "application_process_es",
)
FLAG_TERMS = (
    "capacity",
    "serves_remotely",
    "is_free",
    "populations",
    "capacity_note",
    *TEXT_ES_FIELDS,
)


def term_id(code: str) -> uuid.UUID:
    return uuid.uuid5(KINDRED_NAMESPACE, f"term:{code}")


@cache
def kindred_term_codes() -> dict[str, str]:
    """{term id: "group:code"} for every Kindred taxonomy term."""
    codes = {
        f"{group}:{value}" for group, choices in TERM_GROUPS.items() for value in choices.values
    }
    codes |= {f"field:{name}" for name in FLAG_TERMS}
    return {str(term_id(code)): code for code in codes}


@cache
def registry() -> Registry:
    resources = []
    for path in SCHEMA_DIR.glob("*.json"):
        if path.name == "openapi.json":
            continue
        contents = json.loads(path.read_text())
        resources.append(
            (path.name, Resource.from_contents(contents, default_specification=DRAFT202012))
        )
    return Registry().with_resources(resources)


@cache
def schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text())


@cache
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(schema(name), registry=registry(), format_checker=FormatChecker())


def validation_errors(name: str, instance: dict[str, Any]) -> list[str]:
    """Readable messages for every way `instance` breaks the HSDS schema `name`."""
    messages = []
    for error in sorted(validator(name).iter_errors(instance), key=lambda e: list(e.absolute_path)):
        where = ".".join(str(p) for p in error.absolute_path) or name
        messages.append(f"{where}: {error.message}")
    return messages


# --- Writing ----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral() else int(value)
    return value


def clean(data: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values: HSDS fields are optional, and an empty e-mail is not an e-mail."""
    return {k: _plain(v) for k, v in data.items() if v is not None and v != "" and v != []}


def phone_json(phone: Phone) -> dict[str, Any]:
    return clean(
        {
            "id": phone.id,
            "number": phone.number,
            "extension": phone.extension,
            "type": phone.type,
            "description": phone.description,
            "languages": [language_json(lang) for lang in phone.languages.all()],
        }
    )


def language_json(language: Language) -> dict[str, Any]:
    return clean(
        {"id": language.id, "name": language.name, "code": language.code, "note": language.note}
    )


def schedule_json(schedule: Schedule) -> dict[str, Any]:
    fields = [
        "valid_from", "valid_to", "dtstart", "timezone", "until", "count", "wkst", "freq",
        "interval", "byday", "byweekno", "bymonthday", "byyearday", "description", "opens_at",
        "closes_at", "schedule_link", "attending_type", "notes",
    ]  # fmt: skip
    data = {"id": schedule.id, **{f: getattr(schedule, f) for f in fields}}
    for number in ("timezone",):
        if data[number] is not None and float(data[number]).is_integer():
            data[number] = int(data[number])
    if schedule.description_es:
        # The hours in Spanish travel as a Kindred attribute of the schedule.
        data["attributes"] = [kindred_attribute(schedule.id, "schedule", "field:description_es",
                                                schedule.description_es)]  # fmt: skip
    return clean(data)


# HSDS 3.0 `address` requires these (and `address_type`, which Kindred always has).
ADDRESS_REQUIRED = ("address_1", "city", "state_province", "postal_code", "country")


def address_complete(address: Address) -> bool:
    """Whether `address` has every field HSDS requires: an incomplete one is left out of an
    export (a ZIP code alone still places the location, by its coordinates)."""
    return all(str(getattr(address, name) or "").strip() for name in ADDRESS_REQUIRED)


def address_json(address: Address) -> dict[str, Any]:
    return clean(
        {
            "id": address.id,
            "location_id": address.location_id,
            "attention": address.attention,
            "address_1": address.address_1,
            "address_2": address.address_2,
            "city": address.city,
            "region": address.region,
            "state_province": address.state_province,
            "postal_code": address.postal_code,
            "country": address.country,
            "address_type": address.address_type,
        }
    )


def contact_json(contact: Any) -> dict[str, Any]:
    return clean(
        {
            "id": contact.id,
            "name": contact.name,
            "title": contact.title,
            "department": contact.department,
            "email": contact.email,
            "phones": [phone_json(p) for p in contact.phones.all()],
        }
    )


def location_json(location: Location) -> dict[str, Any]:
    data = {
        "id": location.id,
        "location_type": location.location_type,
        "url": location.url,
        "organization_id": location.organization_id,
        "name": location.name,
        "alternate_name": location.alternate_name,
        "description": location.description,
        "transportation": location.transportation,
        "latitude": location.latitude,
        "longitude": location.longitude,
        "external_identifier": location.external_identifier,
        "external_identifier_type": location.external_identifier_type,
        "languages": [language_json(x) for x in location.languages.all()],
        "addresses": [address_json(x) for x in location.addresses.all() if address_complete(x)],
        "contacts": [contact_json(x) for x in location.contacts.all()],
        "phones": [phone_json(x) for x in location.phones.all()],
        "schedules": [schedule_json(x) for x in location.schedules.all()],
        **{k: v for k, v in (location.extra or {}).items() if k in {"accessibility", "metadata"}},
    }
    return clean(data)


def organization_json(organization: Organization, *, nested: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": organization.id,
        "name": organization.name,
        "alternate_name": organization.alternate_name,
        "description": organization.description,
        "email": organization.email,
        "website": organization.website,
        "tax_status": organization.tax_status,
        "tax_id": organization.tax_id,
        "year_incorporated": organization.year_incorporated,
        "legal_status": organization.legal_status,
        "logo": organization.logo,
        "uri": organization.uri,
        "parent_organization_id": organization.parent_organization_id,
    }
    if nested:
        data["contacts"] = [contact_json(x) for x in organization.contacts.all()]
        data["phones"] = [phone_json(x) for x in organization.phones.all()]
        data["locations"] = [location_json(x) for x in organization.locations.all()]
        for key in ("funding", "programs", "organization_identifiers", "metadata"):
            if organization.extra.get(key):
                data[key] = organization.extra[key]
    return clean(data)


SERVICE_SCALARS = [
    "name", "alternate_name", "description", "url", "email", "status",
    "interpretation_services", "application_process", "fees_description", "wait_time", "fees",
    "accreditations", "eligibility_description", "minimum_age", "maximum_age", "assured_date",
    "assurer_email", "licenses", "alert", "last_modified",
]  # fmt: skip


def peer_support_attributes(service: Service) -> list[dict[str, Any]]:
    pairs: list[tuple[str, str]] = []
    if service.kind:
        pairs.append((f"kind:{service.kind}", ""))
    pairs += [(f"condition:{c}", "") for c in service.condition_list]
    pairs += [(f"modality:{m}", "") for m in service.modality_list]
    pairs += [(f"referrer:{r}", "") for r in service.referred_by_list]
    pairs.append(("field:capacity", service.capacity))
    pairs.append(("field:serves_remotely", "true" if service.serves_remotely else "false"))
    pairs.append(("field:is_free", "true" if service.is_free else "false"))
    for name in ("populations", "capacity_note", *TEXT_ES_FIELDS):
        if getattr(service, name):
            pairs.append((f"field:{name}", getattr(service, name)))
    return [kindred_attribute(service.id, "service", code, value) for code, value in pairs]


def kindred_attribute(link_id: uuid.UUID, entity: str, code: str, value: str) -> dict[str, Any]:
    """An HSDS attribute of Kindred's taxonomy (`code` "group:name") on the record `link_id`."""
    tid = term_id(code)
    return clean(
        {
            "id": uuid.uuid5(link_id, code),
            "link_id": link_id,
            "taxonomy_term_id": tid,
            "link_type": "peer_support",
            "link_entity": entity,
            "value": value,
            "taxonomy_term": {
                "id": str(tid),
                "code": code,
                "name": code.split(":", 1)[1].replace("_", " "),
                "description": f"Kindred peer support: {code}",
                "taxonomy": KINDRED_TAXONOMY["name"],
                "taxonomy_detail": KINDRED_TAXONOMY,
                "taxonomy_id": KINDRED_TAXONOMY["id"],
            },
        }
    )


def service_json(service: Service, *, attributes: list[Any] | None = None) -> dict[str, Any]:
    """A fully nested HSDS service (schema `service.json`)."""
    data: dict[str, Any] = {"id": service.id, "organization_id": service.organization_id}
    data.update({f: getattr(service, f) for f in SERVICE_SCALARS})
    if not data["assured_date"] and service.last_verified_at:
        data["assured_date"] = service.last_verified_at.date()
    sals = []
    for sal in service.service_at_locations.all():
        sals.append(
            clean(
                {
                    "id": sal.id,
                    "service_id": service.id,
                    "location_id": sal.location_id,
                    "description": sal.description,
                    "contacts": [contact_json(x) for x in sal.contacts.all()],
                    "phones": [phone_json(x) for x in sal.phones.all()],
                    "schedules": [schedule_json(x) for x in sal.schedules.all()],
                    "location": location_json(sal.location),
                }
            )
        )
    data.update(
        {
            "phones": [phone_json(x) for x in service.phones.all()],
            "schedules": [schedule_json(x) for x in service.schedules.all()],
            "service_areas": [
                clean(
                    {
                        "id": a.id,
                        "service_id": service.id,
                        "name": a.name,
                        "description": a.description,
                        "extent": a.extent,
                        "extent_type": a.extent_type,
                        "uri": a.uri,
                    }
                )
                for a in service.service_areas.all()
            ],
            "service_at_locations": sals,
            "languages": [language_json(x) for x in service.languages.all()],
            "organization": organization_json(service.organization, nested=False),
            "cost_options": [
                clean(
                    {
                        "id": c.id,
                        "service_id": service.id,
                        "valid_from": c.valid_from,
                        "valid_to": c.valid_to,
                        "option": c.option,
                        "currency": c.currency,
                        "amount": c.amount,
                        "amount_description": c.amount_description,
                    }
                )
                for c in service.cost_options.all()
            ],
            "contacts": [contact_json(x) for x in service.contacts.all()],
            "attributes": (attributes or []) + peer_support_attributes(service),
        }
    )
    for key in ("funding", "required_documents", "metadata"):
        if service.extra.get(key):
            data[key] = service.extra[key]
    if service.extra.get("program"):
        data["program"] = service.extra["program"]
    return clean(data)


def service_list_json(service: Service) -> dict[str, Any]:
    """A service "with only one-to-one fields" (HSDS list endpoints)."""
    data: dict[str, Any] = {"id": service.id, "organization_id": service.organization_id}
    data.update({f: getattr(service, f) for f in SERVICE_SCALARS})
    data["organization"] = organization_json(service.organization, nested=False)
    if service.extra.get("program"):
        data["program"] = service.extra["program"]
    return clean(data)


def service_at_location_list_json(sal: ServiceAtLocation) -> dict[str, Any]:
    location = sal.location
    return clean(
        {
            "id": sal.id,
            "service_id": sal.service_id,
            "location_id": sal.location_id,
            "description": sal.description,
            "location": clean(
                {
                    "id": location.id,
                    "location_type": location.location_type,
                    "url": location.url,
                    "organization_id": location.organization_id,
                    "name": location.name,
                    "alternate_name": location.alternate_name,
                    "description": location.description,
                    "transportation": location.transportation,
                    "latitude": location.latitude,
                    "longitude": location.longitude,
                    "external_identifier": location.external_identifier,
                    "external_identifier_type": location.external_identifier_type,
                }
            ),
            "service": service_list_json(sal.service),
        }
    )


def attributes_by_link(link_ids: list[Any]) -> dict[Any, list[dict[str, Any]]]:
    """Imported HSDS attributes (not Kindred's own), grouped by the record they describe."""
    from kindred.directory.models import Attribute

    grouped: dict[Any, list[dict[str, Any]]] = {}
    rows = Attribute.objects.filter(link_id__in=link_ids).select_related(
        "taxonomy_term", "taxonomy_term__taxonomy_detail"
    )
    for attribute in rows:
        term = attribute.taxonomy_term
        term_data = {
            "id": term.id,
            "code": term.code,
            "name": term.name,
            "description": term.description,
            "parent_id": term.parent_id,
            "taxonomy": term.taxonomy,
            "language": term.language,
            "term_uri": term.term_uri,
        }
        if term.taxonomy_detail is not None:
            t = term.taxonomy_detail
            term_data["taxonomy_detail"] = clean(
                {
                    "id": t.id,
                    "name": t.name,
                    "description": t.description,
                    "uri": t.uri,
                    "version": t.version,
                }
            )
            term_data["taxonomy_id"] = t.id
        grouped.setdefault(attribute.link_id, []).append(
            clean(
                {
                    "id": attribute.id,
                    "link_id": attribute.link_id,
                    "taxonomy_term_id": term.id,
                    "link_type": attribute.link_type,
                    "link_entity": attribute.link_entity,
                    "value": attribute.value,
                    "taxonomy_term": clean(term_data),
                }
            )
        )
    return grouped


def services_for_export(qs: Any) -> Any:
    return qs.select_related("organization").prefetch_related(
        "phones__languages",
        "schedules",
        "service_areas",
        "languages",
        "cost_options",
        "contacts__phones__languages",
        "service_at_locations__contacts__phones__languages",
        "service_at_locations__phones__languages",
        "service_at_locations__schedules",
        "service_at_locations__location__languages",
        "service_at_locations__location__addresses",
        "service_at_locations__location__contacts__phones__languages",
        "service_at_locations__location__phones__languages",
        "service_at_locations__location__schedules",
    )


def export_services(qs: Any) -> list[dict[str, Any]]:
    services = list(services_for_export(qs))
    imported = attributes_by_link([s.id for s in services])
    return [service_json(s, attributes=imported.get(s.id, [])) for s in services]
