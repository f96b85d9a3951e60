"""A referral from an EHR: a FHIR `transaction` Bundle (Gravity SDOH Clinical Care IG) becomes
one Kindred referral, through `referrals.services.referral_create` — the web form's service,
so the same duplicate detection, consent rules and notifications.

The bundle holds a ServiceRequest, a Task (`focus` → the ServiceRequest, `owner` → the
program), the child as Patient, the parent as RelatedPerson, the requester (PractitionerRole,
Practitioner or Organization) and the Consent. Each resource is validated with fhir.resources
(R4B); references between them must resolve inside the bundle. Refused, nothing saved: no
active Consent to contact the family, a program the client is not registered for, or one that
does not accept referrals from the client's organization.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from kindred.audit.log import record
from kindred.fhir.auth import Caller
from kindred.fhir.models import FhirClientProgram
from kindred.fhir.outcome import FhirError
from kindred.fhir.parse import validate
from kindred.lib.languages import normalize_language
from kindred.programs.models import Program
from kindred.referrals.models import (
    ConsentMethod,
    ExternalReferrer,
    Referral,
    ReferralReason,
    ReferrerRole,
    Source,
    Urgency,
)
from kindred.referrals.services import ReferredFamily, referral_create

IDSCL = ("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IDSCL")
PRIORITY = {
    "routine": Urgency.ROUTINE,
    "urgent": Urgency.SOON,
    "asap": Urgency.URGENT,
    "stat": Urgency.URGENT,
}
# NUCC provider taxonomy prefixes → the referrer roles of the web form.
NUCC_ROLES = [
    ("20", ReferrerRole.PHYSICIAN),
    ("36", ReferrerRole.NURSE),
    ("16", ReferrerRole.NURSE),
    ("104", ReferrerRole.SOCIAL_WORKER),
    ("171M", ReferrerRole.CARE_COORDINATOR),
]
KEPT = {
    "ServiceRequest": [
        "id",
        "identifier",
        "status",
        "intent",
        "category",
        "code",
        "basedOn",
        "replaces",
        "reasonCode",
        "reasonReference",
        "priority",
        "authoredOn",
        "subject",
        "requester",
        "performer",
    ],
    "Task": [
        "id",
        "identifier",
        "status",
        "intent",
        "code",
        "partOf",
        "basedOn",
        "groupIdentifier",
        "input",
        "focus",
        "for",
        "owner",
        "authoredOn",
        "requester",
    ],
    "Consent": [
        "id",
        "status",
        "scope",
        "category",
        "policy",
        "policyRule",
        "dateTime",
        "provision",
    ],
    "Patient": ["id", "identifier"],
    "RelatedPerson": ["id", "identifier", "relationship"],
}


@dataclass
class Entry:
    index: int
    full_url: str
    resource: dict[str, Any]
    request: dict[str, Any]

    @property
    def type(self) -> str:
        return str(self.resource.get("resourceType", ""))

    @property
    def where(self) -> str:
        return f"Bundle.entry[{self.index}]"


@dataclass
class Received:
    """A bundle read and checked, before anything is saved."""

    entries: list[Entry]
    service_request: Entry
    task: Entry
    patient: Entry
    parent: Entry
    consent: Entry
    requester: Entry
    program: Program
    owner_reference: str
    by_ref: dict[str, Entry] = field(default_factory=dict)


def _refused(
    message: str, *, code: str = "business-rule", expression: str = "", audit: str
) -> FhirError:
    return FhirError(422, code, message, expression=expression, audit=audit)


def _entries(bundle: dict[str, Any]) -> list[Entry]:
    if bundle.get("resourceType") != "Bundle" or not isinstance(bundle.get("entry", []), list):
        validate(bundle, "Bundle")
    for i, raw in enumerate(bundle.get("entry") or []):
        if isinstance(raw, dict) and isinstance(raw.get("resource"), dict):
            validate(raw["resource"], None, f"Bundle.entry[{i}].resource")
    validate(bundle, "Bundle")
    if bundle.get("type") != "transaction":
        raise FhirError(
            400,
            "invalid",
            _("Send a Bundle of type “transaction”."),
            expression="Bundle.type",
            audit="bundle_type",
        )
    entries = []
    for i, raw in enumerate(bundle.get("entry") or []):
        resource = raw.get("resource")
        where = f"Bundle.entry[{i}]"
        if not isinstance(resource, dict):
            raise FhirError(
                400, "structure", _("Each entry needs a resource."), expression=where, audit="entry"
            )
        request = raw.get("request") or {}
        method = request.get("method")
        if method not in ("POST", "PUT"):
            raise FhirError(
                400,
                "not-supported",
                _("Kindred accepts a referral's resources with request.method POST (or PUT)."),
                expression=f"{where}.request.method",
                audit="method",
            )
        entries.append(Entry(i, str(raw.get("fullUrl") or ""), resource, request))
    if not entries:
        raise FhirError(
            400, "required", _("The bundle is empty."), expression="Bundle.entry", audit="empty"
        )
    return entries


def _index(entries: list[Entry]) -> dict[str, Entry]:
    by_ref: dict[str, Entry] = {}
    for entry in entries:
        if entry.full_url:
            by_ref[entry.full_url] = entry
        rid = entry.resource.get("id")
        if rid:
            by_ref[f"{entry.type}/{rid}"] = entry
            if entry.full_url.endswith(f"/{entry.type}/{rid}"):
                by_ref[entry.full_url] = entry
    return by_ref


def _resolve(
    by_ref: dict[str, Entry], ref: Any, types: tuple[str, ...], where: str, *, required: bool = True
) -> Entry | None:
    reference = (ref or {}).get("reference") if isinstance(ref, dict) else None
    if not reference:
        if required:
            raise _refused(
                _("%(where)s must reference a %(types)s.")
                % {"where": where, "types": " / ".join(types)},
                code="required",
                expression=where,
                audit="missing_reference",
            )
        return None
    found = by_ref.get(reference)
    if found is None:
        tail = "/".join(reference.rstrip("/").split("/")[-2:])
        found = by_ref.get(tail)
    if found is None or found.type not in types:
        raise _refused(
            _("%(where)s references %(ref)s, which is not in the bundle (a dangling reference).")
            % {"where": where, "ref": reference[:200]},
            code="not-found",
            expression=where,
            audit="dangling_reference",
        )
    return found


def _lookup(by_ref: dict[str, Entry], ref: Any) -> Entry | None:
    """A reference the bundle may or may not carry (a PractitionerRole's Practitioner)."""
    reference = ref.get("reference", "") if isinstance(ref, dict) else ""
    if not reference:
        return None
    return by_ref.get(reference) or by_ref.get("/".join(reference.rstrip("/").split("/")[-2:]))


def _one(entries: list[Entry], resource_type: str) -> list[Entry]:
    return [e for e in entries if e.type == resource_type]


def program_for(caller: Caller, owner: Any) -> tuple[Program, str]:
    """The program a Task's owner names: the client's own alias for it, or Kindred's
    `HealthcareService/<id>`; refused unless the client is registered for it and the program
    accepts referrals from the client's organization."""
    reference = (owner or {}).get("reference", "") if isinstance(owner, dict) else ""
    if not reference:
        raise _refused(
            _("Task.owner must name the program (its reference)."),
            code="required",
            expression="Task.owner",
            audit="no_owner",
        )
    links = FhirClientProgram.objects.filter(client=caller.client).select_related(
        "program", "program__organization"
    )
    link = next(
        (lk for lk in links if lk.owner_reference and lk.owner_reference == reference), None
    )
    if link is None and reference.startswith("HealthcareService/"):
        pid = reference.split("/", 1)[1]
        link = next((lk for lk in links if str(lk.program_id) == pid), None)
    if link is None or not link.program.is_active:
        raise _refused(
            _("Task.owner %(ref)s is not a program this client may refer to.")
            % {"ref": reference[:200]},
            code="not-found",
            expression="Task.owner",
            audit="unknown_program",
        )
    program = link.program
    if (
        program.organization_id != caller.client.organization_id
        and not program.accepts_outside_referrals
    ):
        raise _refused(
            _("%(program)s does not accept referrals from %(org)s.")
            % {"program": program.name, "org": caller.client.organization.name},
            expression="Task.owner",
            audit="program_refuses_sender",
        )
    return program, reference


def read_bundle(caller: Caller, bundle: dict[str, Any]) -> Received:
    entries = _entries(bundle)
    by_ref = _index(entries)
    tasks = _one(entries, "Task")
    if len(tasks) != 1:
        raise _refused(
            _("A referral bundle holds exactly one Task."),
            code="invalid",
            expression="Bundle.entry",
            audit="task_count",
        )
    task = tasks[0]
    service_request = _resolve(
        by_ref, task.resource.get("focus"), ("ServiceRequest",), "Task.focus"
    )
    assert service_request is not None
    patient = _resolve(
        by_ref, service_request.resource.get("subject"), ("Patient",), "ServiceRequest.subject"
    )
    assert patient is not None
    if (
        task.resource.get("for")
        and _resolve(by_ref, task.resource.get("for"), ("Patient",), "Task.for") is not patient
    ):
        raise _refused(
            _("Task.for and ServiceRequest.subject name different patients."),
            code="invalid",
            expression="Task.for",
            audit="patient_mismatch",
        )
    parents = [
        e
        for e in _one(entries, "RelatedPerson")
        if _resolve(by_ref, e.resource.get("patient"), ("Patient",), "RelatedPerson.patient")
        is patient
    ]
    if not parents:
        raise _refused(
            _(
                "The bundle needs the parent or caregiver to contact, as a RelatedPerson of the Patient."
            ),
            code="required",
            expression="RelatedPerson",
            audit="no_parent",
        )
    requester_ref = service_request.resource.get("requester") or task.resource.get("requester")
    requester = _resolve(
        by_ref,
        requester_ref,
        ("PractitionerRole", "Practitioner", "Organization"),
        "ServiceRequest.requester",
    )
    assert requester is not None
    consents = [
        e
        for e in _one(entries, "Consent")
        if _resolve(
            by_ref, e.resource.get("patient"), ("Patient",), "Consent.patient", required=False
        )
        is patient
    ]
    granting = [
        c
        for c in consents
        if c.resource.get("status") == "active"
        and (c.resource.get("provision") or {}).get("type", "permit") == "permit"
    ]
    if not granting:
        raise _refused(
            _(
                "The bundle carries no active Consent of the family to be contacted: Kindred never reaches out without the parent's permission."
            ),
            expression="Consent",
            audit="no_consent",
        )
    program, owner_reference = program_for(caller, task.resource.get("owner"))
    return Received(
        entries,
        service_request,
        task,
        patient,
        parents[0],
        granting[0],
        requester,
        program,
        owner_reference,
        by_ref,
    )


# Mapping ---------------------------------------------------------------------------------


def _current_name(resource: dict[str, Any]) -> dict[str, Any]:
    names = resource.get("name") or []
    current = [n for n in names if not (n.get("period") or {}).get("end")]
    for pool in (current, names):
        for use in ("official", "usual", None):
            for name in pool:
                if use is None or name.get("use") == use:
                    return name
    return {}


def _display_name(resource: dict[str, Any]) -> str:
    name = _current_name(resource)
    if name.get("text"):
        return str(name["text"])
    parts = [*name.get("prefix", []), *name.get("given", []), name.get("family", "")]
    return " ".join(p for p in parts if p).strip()


def _telecom(resource: dict[str, Any], system: str) -> str:
    for point in resource.get("telecom") or []:
        if point.get("system") == system and point.get("value"):
            return str(point["value"])
    return ""


def _birth_date(value: Any) -> date | None:
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _language(*resources: dict[str, Any]) -> str:
    for resource in resources:
        communications = resource.get("communication") or []
        ordered = sorted(communications, key=lambda c: not c.get("preferred"))
        for communication in ordered:
            for coding in (communication.get("language") or {}).get("coding") or []:
                code = normalize_language(str(coding.get("code", "")).split("-")[0])
                if code:
                    return code
    return "en"


def _displays(concept: Any) -> list[str]:
    concept = concept or {}
    found = [str(c.get("display")) for c in concept.get("coding") or [] if c.get("display")]
    return found or ([str(concept["text"])] if concept.get("text") else [])


def _referrer(received: Received, caller: Caller) -> tuple[ExternalReferrer, str, str]:
    resource = received.requester.resource
    kind = received.requester.type
    name = role = organization = department = ""
    phone, email = _telecom(resource, "phone"), _telecom(resource, "email")
    kindred_role = ""
    if kind == "Organization":
        organization = str(resource.get("name", ""))
    else:
        person = resource
        if kind == "PractitionerRole":
            practitioner = _lookup(received.by_ref, resource.get("practitioner"))
            person = (
                practitioner.resource
                if practitioner and practitioner.type == "Practitioner"
                else {}
            )
            name = _display_name(person) or str(
                (resource.get("practitioner") or {}).get("display", "")
            )
            org = resource.get("organization") or {}
            org_entry = _lookup(received.by_ref, org)
            organization = (
                str(org_entry.resource.get("name", ""))
                if org_entry
                else str(org.get("display", ""))
            )
            for concept in resource.get("code") or []:
                role = role or ", ".join(_displays(concept)[:1])
                for coding in concept.get("coding") or []:
                    code = str(coding.get("code", ""))
                    if "nucc" in str(coding.get("system", "")):
                        kindred_role = kindred_role or next(
                            (r for p, r in NUCC_ROLES if code.startswith(p)), ""
                        )
            department = ", ".join(
                d for c in resource.get("specialty") or [] for d in _displays(c)[:1]
            )
            phone, email = phone or _telecom(person, "phone"), email or _telecom(person, "email")
        else:
            name = _display_name(person)
    name = name or str((received.task.resource.get("requester") or {}).get("display", ""))
    referrer = ExternalReferrer(
        name=name[:200],
        role=role[:200],
        organization_name=(organization or caller.client.organization.name)[:200],
        phone=phone[:40],
        email=email[:254],
        fhir_reference=f"{kind}/{resource.get('id', '')}"[:200]
        if resource.get("id")
        else received.requester.full_url[:200],
        sender=caller.client.client_id,
        sender_organization=caller.client.organization,
    )
    return (
        referrer,
        kindred_role or (ReferrerRole.OTHER if kind != "Organization" else ""),
        department[:120],
    )


def _kept(received: Received) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for entry in (
        received.service_request,
        received.task,
        received.consent,
        received.patient,
        received.parent,
    ):
        kept[entry.type] = {k: entry.resource[k] for k in KEPT[entry.type] if k in entry.resource}
        kept[entry.type]["fullUrl"] = entry.full_url
    kept["requester"] = {
        "reference": f"{received.requester.type}/{received.requester.resource.get('id', '')}"
    }
    kept["owner"] = received.owner_reference
    return kept


def _identity(entry: Entry, if_none_exist: str = "") -> str:
    if if_none_exist:
        return f"identifier:{if_none_exist}"
    identifiers = sorted(
        f"{i.get('system', '')}|{i.get('value', '')}"
        for i in entry.resource.get("identifier") or []
        if i.get("value")
    )
    if identifiers:
        return f"identifier:{identifiers[0]}"
    return f"id:{entry.resource.get('id') or entry.full_url}"


def _if_none_exist(received: Received, header: str) -> str:
    criteria = header or received.service_request.request.get("ifNoneExist") or ""
    if not criteria:
        return ""
    name, _sep, value = criteria.partition("=")
    if name.strip() != "identifier" or not value.strip():
        raise FhirError(
            400,
            "not-supported",
            _("Kindred's If-None-Exist understands identifier=system|value of the ServiceRequest."),
            expression="ServiceRequest.request.ifNoneExist",
            audit="if_none_exist",
        )
    value = value.strip()
    return value if "|" in value else f"|{value}"


def submission_key(caller: Caller, received: Received, header: str = "") -> str:
    identity = _identity(received.service_request, _if_none_exist(received, header))
    text = f"fhir|{caller.client.organization_id}|{received.program.pk}|{identity}"
    return hashlib.sha256(text.encode()).hexdigest()


def existing(key: str) -> Referral | None:
    return Referral.objects.filter(submission_key=key, source=Source.EHR).first()


def receive(
    caller: Caller, bundle: dict[str, Any], *, request: HttpRequest, if_none_exist: str = ""
) -> tuple[Referral, bool, Received]:
    """(the referral, whether it was created now, the bundle read)."""
    received = read_bundle(caller, bundle)
    key = submission_key(caller, received, if_none_exist)
    found = existing(key)
    if found is not None:
        return found, False, received
    sr, task, patient, parent = (
        received.service_request.resource,
        received.task.resource,
        received.patient.resource,
        received.parent.resource,
    )
    child_name = _current_name(patient)
    parent_name = _current_name(parent)
    referrer, role, department = _referrer(received, caller)
    consent = received.consent.resource
    method = (
        ConsentMethod.WRITTEN
        if consent.get("sourceAttachment") or consent.get("sourceReference")
        else ConsentMethod.ELECTRONIC
    )
    categories = {
        (c.get("system"), c.get("code"))
        for cat in consent.get("category") or []
        for c in cat.get("coding") or []
    }
    reason_codes = [
        c.get("code") for concept in sr.get("reasonCode") or [] for c in concept.get("coding") or []
    ]
    reasons = [c for c in reason_codes if c in ReferralReason.values] or (
        [ReferralReason.OTHER] if reason_codes else []
    )
    notes = "\n".join(str(n.get("text", "")) for n in sr.get("note") or [] if n.get("text"))
    family = ReferredFamily(
        caregiver_first_name=" ".join(parent_name.get("given", [])[:1])
        or str(parent_name.get("text", "")),
        caregiver_last_name=str(parent_name.get("family", "")),
        phone=_telecom(parent, "phone") or _telecom(patient, "phone"),
        email=_telecom(parent, "email"),
        language=_language(parent, patient),
        child_first_name=" ".join(child_name.get("given", [])[:1])
        or str(child_name.get("text", "")),
        child_birth_date=_birth_date(patient.get("birthDate")),
    )
    try:
        with transaction.atomic():
            referral = referral_create(
                program=received.program,
                family=family,
                source=Source.EHR,
                by=None,
                consent_to_contact=True,
                consent_obtained_by=(str(referrer) or caller.client.name)[:200],
                consent_method=method,
                share_status_with_referrer=IDSCL in categories,
                notify_referrer=False,
                reasons=reasons,
                looking_for=notes[:4000],
                urgency=PRIORITY.get(str(sr.get("priority", "routine")), Urgency.ROUTINE),
                referrer_role=role,
                referrer_department=department,
                request=request,
                submission_key=key,
                external_referrer=referrer,
                fhir_received=_kept(received),
                actor_label=caller.label,
            )
            referral.fhir_service_request_id = str(sr.get("id", ""))[:64]
            referral.fhir_task_id = str(task.get("id", ""))[:64]
            Referral.objects.filter(pk=referral.pk).update(
                fhir_service_request_id=referral.fhir_service_request_id,
                fhir_task_id=referral.fhir_task_id,
            )
            record(
                action="fhir.bundle.received",
                request=request,
                actor_label=caller.label,
                program=received.program,
                obj=referral,
                detail={"client": caller.client.client_id, "entries": len(received.entries)},
            )
    except IntegrityError:
        found = existing(key)
        if found is None:
            raise
        return found, False, received
    except ValidationError as exc:
        messages = [str(m) for m in exc.messages][:5]
        raise _refused(" ".join(messages), code="invalid", audit="referral_refused") from None
    return referral, True, received
