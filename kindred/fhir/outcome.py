"""FHIR answers: resources as `application/fhir+json`, refusals as an OperationOutcome that
says why (in the caller's language, from Accept-Language), never a 500."""

import json
from typing import Any

from django.http import HttpResponse
from fhir.resources.R4B.operationoutcome import OperationOutcome

FHIR_JSON = "application/fhir+json; charset=utf-8"


class FhirError(Exception):
    """A refused request: its HTTP status, the OperationOutcome issue code
    (http://hl7.org/fhir/issue-type) and a message written for the integration team."""

    def __init__(
        self, status: int, code: str, message: Any, *, expression: str = "", audit: str = ""
    ) -> None:
        super().__init__(str(message))
        self.status = status
        self.code = code
        self.message = str(message)
        self.expression = expression
        # The short reason kept in the audit event (a code, never health information).
        self.audit = audit or code


def outcome(code: str, message: str, *, severity: str = "error", expression: str = "") -> dict:
    issue: dict[str, Any] = {"severity": severity, "code": code, "diagnostics": message}
    if expression:
        issue["expression"] = [expression]
    resource = {"resourceType": "OperationOutcome", "issue": [issue]}
    OperationOutcome.model_validate(resource)
    return resource


def fhir_response(resource: dict, status: int = 200, **headers: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(resource, ensure_ascii=False), status=status, content_type=FHIR_JSON
    )
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def error_response(error: FhirError) -> HttpResponse:
    headers = {}
    if error.status == 401:
        headers["WWW_Authenticate"] = 'Bearer realm="kindred-fhir"'
    return fhir_response(
        outcome(error.code, error.message, expression=error.expression),
        status=error.status,
        **headers,
    )
