"""Directory test data, built through the real services (curator edits, program sync)."""

import re
import zlib
from typing import Any

from kindred.directory.models import Condition, Kind, Modality, Organization, Service, codes_to_text
from kindred.directory.services import PrimaryPlace, service_save


def make_organization(steward: Any, name: str = "Heartbeats Parent Network") -> Organization:
    return Organization.objects.create(steward=steward, name=name, description=f"{name} (test)")


def make_service(
    organization: Organization,
    *,
    by: Any,
    name: str = "Heart Parents Coffee Group",
    zip_code: str = "60614",
    conditions: tuple[str, ...] = (Condition.HEART,),
    languages: tuple[str, ...] = ("en",),
    kind: str = Kind.SUPPORT_GROUP,
    remote: bool = False,
    **fields: Any,
) -> Service:
    service = Service(
        organization=organization,
        name=name,
        description=fields.pop("description", f"{name}: parents who have been there."),
        kind=kind,
        conditions=codes_to_text(conditions),
        modalities=codes_to_text(fields.pop("modalities", (Modality.IN_PERSON,))),
        serves_remotely=remote,
        **fields,
    )
    place = (
        PrimaryPlace(
            location_name=f"{name} room",
            address_1="100 Test Street",
            city="Chicago",
            state="IL",
            postal_code=zip_code,
            phone="312-555-0100",
            hours="Tuesdays 6–8 pm",
            hours_es="Martes de 6 a 8 pm",
            languages=languages,
        )
        if zip_code
        else PrimaryPlace(phone="800-555-0100", languages=languages)
    )
    return service_save(service=service, place=place, by=by, created=True)


def pdf_language(pdf: bytes) -> str:
    """The /Lang of the PDF catalogue (WeasyPrint keeps it in a compressed object stream)."""
    for match in re.finditer(rb"stream\n(.*?)\nendstream", pdf, re.S):
        try:
            data = zlib.decompress(match.group(1))
        except zlib.error:
            continue
        found = re.search(rb"/Type /Catalog[^>]*/Lang \((\w+)\)", data)
        if found:
            return found.group(1).decode()
    return ""
