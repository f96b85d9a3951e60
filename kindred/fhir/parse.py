"""Reading a FHIR request body safely: size, JSON, NUL characters, then fhir.resources (R4B)."""

import json
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError as PydanticError

from kindred.fhir.outcome import FhirError

# A referral bundle with a scanned consent form (the Gravity example's PDF is 130 kB) fits.
MAX_BODY_BYTES = 2 * 1024 * 1024


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def read_json(request: HttpRequest) -> dict[str, Any]:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        raise FhirError(413, "too-costly", _("The body is larger than 2 MB."), audit="too_large")
    raw = request.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise FhirError(413, "too-costly", _("The body is larger than 2 MB."), audit="too_large")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise FhirError(
            400, "structure", _("The body is not valid JSON (UTF-8)."), audit="json"
        ) from None
    if not isinstance(data, dict):
        raise FhirError(
            400, "structure", _("The body must be a FHIR resource (a JSON object)."), audit="json"
        )
    if _holds_nul(data):
        raise FhirError(400, "invalid", _("The body holds a NUL character."), audit="nul")
    return data


def validate(data: dict[str, Any], expected: str | None = None, where: str = "") -> Any:
    """The resource parsed and validated by fhir.resources (R4B), or a 400/422 that says where."""
    resource_type = data.get("resourceType")
    if not isinstance(resource_type, str):
        raise FhirError(
            400,
            "structure",
            _("The resource has no resourceType."),
            expression=where,
            audit="structure",
        )
    if expected and resource_type != expected:
        raise FhirError(
            400,
            "structure",
            _("Expected a %(expected)s, got a %(got)s.")
            % {"expected": expected, "got": resource_type[:40]},
            expression=where,
            audit="resource_type",
        )
    try:
        model = get_fhir_model_class(resource_type)
    except (KeyError, ValueError):
        raise FhirError(
            400,
            "not-supported",
            _("Unknown resource type %(type)s.") % {"type": resource_type[:40]},
            expression=where,
            audit="resource_type",
        ) from None
    try:
        return model.model_validate(data)
    except PydanticError as exc:
        errors = exc.errors()
        first: Any = errors[0] if errors else {}
        location = ".".join(str(part) for part in first.get("loc", ()))
        raise FhirError(
            400,
            "structure",
            _("%(type)s is not valid FHIR R4: %(problem)s at %(where)s.")
            % {
                "type": resource_type,
                "problem": str(first.get("msg", ""))[:200],
                "where": location[:200],
            },
            expression=".".join(p for p in (where, location) if p),
            audit="invalid_resource",
        ) from None
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as exc:
        raise FhirError(
            400,
            "structure",
            _("%(type)s is not valid FHIR R4.") % {"type": resource_type},
            audit="invalid_resource",
        ) from exc
