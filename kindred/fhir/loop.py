"""The loop back: a referral as the FHIR Task its sender reads (Gravity SDOH Clinical Care IG,
Task for referral management), the search over a sender's Tasks, and the sender's one write,
cancelling its own Task.

A sender reads what the referrer's page shows (kindred.referrals.views.sent): status and
dates, the program's step and the outcome — and only while the family consents to share the
status with the referrer (the latest consent entry wins, so a withdrawal hides it at once).
Otherwise the Task says `received` and nothing moves, not even its version. Never notes.
"""

from datetime import UTC, datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from fhir.resources.R4B.task import Task

from kindred.families.models import Consent, Family
from kindred.fhir.auth import Caller
from kindred.fhir.models import FhirClientProgram
from kindred.fhir.outcome import FhirError
from kindred.referrals.models import Referral, Source
from kindred.referrals.status import OUTCOMES, Reason, Status, Step

TASK_PROFILE = (
    "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-TaskForReferralManagement"
)
RESULTING_ACTIVITY = {
    "system": "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes",
    "code": "resulting-activity",
    "display": "Resulting Activity",
}
FULFILL = {"coding": [{"system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill"}]}


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("fhir:base")).rstrip("/")


def instant(value: datetime) -> str:
    return timezone.localtime(value, UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def sender_referrals(caller: Caller) -> Any:
    """The referrals this client's organization sent over FHIR, to programs the client is
    still registered for: another organization's client sees none of them."""
    programs = FhirClientProgram.objects.filter(client=caller.client).values("program_id")
    return Referral.objects.filter(
        source=Source.EHR,
        external_referrer__sender_organization_id=caller.client.organization_id,
        program_id__in=programs,
    ).select_related("program")


def shared_with_sender(referrals: list[Referral]) -> set[int]:
    """The ids of the referrals whose family consents now to share status with the referrer
    (kindred.families.consent.may, for many referrals in two queries)."""
    candidates = {r.pk: r.family_id for r in referrals if r.share_status_with_referrer}
    if not candidates:
        return set()
    usable = set(
        Family.objects.filter(
            pk__in=set(candidates.values()), status__in=[Family.Status.ACTIVE, Family.Status.CLOSED]
        ).values_list("pk", flat=True)
    )
    latest: dict[int, str] = {}
    for family_id, decision in (
        Consent.objects.filter(
            family_id__in=usable,
            scope=Consent.Scope.SHARE_STATUS_WITH_REFERRER,
            effective_at__lte=timezone.now(),
        )
        .order_by("family_id", "-effective_at", "-id")
        .values_list("family_id", "decision")
    ):
        latest.setdefault(family_id, decision)
    return {pk for pk, fid in candidates.items() if latest.get(fid) == Consent.Decision.GRANTED}


def version_of(referral: Referral, shared: bool) -> str:
    return str(referral.version) if shared else "1"


def last_updated(referral: Referral, shared: bool) -> datetime:
    return referral.updated_at if shared else referral.received_at


def etag(referral: Referral, shared: bool) -> str:
    return f'W/"{version_of(referral, shared)}"'


def _concept(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def task_resource(referral: Referral, *, shared: bool, base: str) -> dict[str, Any]:
    kept = referral.fhir_received.get("Task", {})
    task: dict[str, Any] = {
        "resourceType": "Task",
        "id": str(referral.pk),
        "meta": {
            "versionId": version_of(referral, shared),
            "lastUpdated": instant(last_updated(referral, shared)),
            "profile": [TASK_PROFILE],
        },
        "identifier": [
            *kept.get("identifier", []),
            {"system": f"{base}/referral", "value": referral.reference},
        ],
    }
    for name in ("basedOn", "groupIdentifier", "partOf"):
        if name in kept:
            task[name] = kept[name]
    task["status"] = referral.status if shared else "received"
    if shared and referral.status_reason:
        task["statusReason"] = _concept(
            f"{base}/CodeSystem/referral-status-reason",
            referral.status_reason,
            str(Reason(referral.status_reason).label),
        )
    if shared and referral.step:
        task["businessStatus"] = _concept(
            f"{base}/CodeSystem/referral-step", referral.step, str(Step(referral.step).label)
        )
    elif not shared:
        task["businessStatus"] = {
            "text": _(
                "The family has not agreed to share this referral's progress with the referrer."
            )
        }
    task["intent"] = kept.get("intent", "order")
    task["code"] = kept.get("code", FULFILL)
    if "focus" in kept:
        task["focus"] = kept["focus"]
    if "for" in kept:
        task["for"] = kept["for"]
    task["authoredOn"] = kept.get("authoredOn") or instant(referral.received_at)
    task["lastModified"] = instant(last_updated(referral, shared))
    if "requester" in kept:
        task["requester"] = kept["requester"]
    task["owner"] = {
        "reference": referral.fhir_received.get("owner")
        or f"HealthcareService/{referral.program_id}",
        "display": referral.program.name,
    }
    if shared and (referral.first_contact_at or referral.closed_at):
        period = {}
        if referral.first_contact_at:
            period["start"] = instant(referral.first_contact_at)
        if referral.closed_at and (
            not referral.first_contact_at or referral.closed_at >= referral.first_contact_at
        ):
            period["end"] = instant(referral.closed_at)
        task["executionPeriod"] = period
    if "input" in kept:
        task["input"] = kept["input"]
    if shared and referral.step in OUTCOMES:
        text = str(Step(referral.step).label)
        if referral.step == Step.REFERRED_OUT and referral.referred_out_to:
            text = f"{text}: {referral.referred_out_to}"
        value = _concept(
            f"{base}/CodeSystem/referral-step", referral.step, str(Step(referral.step).label)
        )
        value["text"] = text
        task["output"] = [{"type": {"coding": [RESULTING_ACTIVITY]}, "valueCodeableConcept": value}]
    Task.model_validate(task)
    return task


# Search ------------------------------------------------------------------------------------

PREFIXES = {"gt", "ge", "lt", "le", "eq"}
MAX_COUNT = 100


def _date_param(value: str) -> tuple[str, datetime]:
    prefix, rest = (value[:2], value[2:]) if value[:2] in PREFIXES else ("eq", value)
    moment = parse_datetime(rest)
    if moment is None:
        day = parse_date(rest)
        if day is not None:
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
    if moment is None:
        raise FhirError(
            400,
            "invalid",
            _("_lastUpdated takes a date or a date and time, e.g. gt2026-01-31T12:00:00Z."),
            expression="_lastUpdated",
            audit="bad_param",
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return prefix, moment


def _compare(prefix: str, value: datetime, bound: datetime) -> bool:
    return {
        "gt": value > bound,
        "ge": value >= bound,
        "lt": value < bound,
        "le": value <= bound,
        "eq": value == bound,
    }[prefix]


def _lookup(field: str, prefix: str, bound: datetime) -> Q:
    return Q(
        **{
            f"{field}__{'exact' if prefix == 'eq' else prefix.replace('ge', 'gte').replace('le', 'lte')}": bound
        }
    )


def search(caller: Caller, params: Any) -> tuple[list[Referral], set[int], int]:
    """(the page of referrals, those shared with the sender, the total), for
    owner / status / _lastUpdated (repeatable) / _count / _offset."""
    known = {"owner", "status", "_lastUpdated", "_count", "_offset", "_format"}
    unknown = sorted(set(params) - known)
    if unknown:
        raise FhirError(
            400,
            "not-supported",
            _("Unsupported search parameters: %(names)s.") % {"names": ", ".join(unknown)[:200]},
            audit="bad_param",
        )
    rows = sender_referrals(caller)
    owner = params.get("owner", "")
    if owner:
        links = FhirClientProgram.objects.filter(client=caller.client)
        pid = owner.split("/", 1)[1] if owner.startswith("HealthcareService/") else None
        matching = [
            lk.program_id
            for lk in links
            if lk.owner_reference == owner or str(lk.program_id) == pid
        ]
        rows = rows.filter(program_id__in=matching)
    statuses = {s for part in params.getlist("status") for s in part.split(",") if s}
    allowed = set(Status.values) | {"received"}
    if statuses - allowed:
        raise FhirError(
            400,
            "invalid",
            _("Unknown Task status: %(codes)s.")
            % {"codes": ", ".join(sorted(statuses - allowed))[:200]},
            expression="status",
            audit="bad_param",
        )
    dates = [_date_param(v) for v in params.getlist("_lastUpdated")]
    # The database narrows (what the sender would see either way), Python decides exactly.
    if statuses and "received" not in statuses:  # a hidden Task always reads "received"
        rows = rows.filter(status__in=statuses)
    for prefix, bound in dates:
        rows = rows.filter(
            _lookup("updated_at", prefix, bound) | _lookup("received_at", prefix, bound)
        )
    candidates = list(rows.order_by("updated_at", "id"))
    shared = shared_with_sender(candidates)

    def keep(referral: Referral) -> bool:
        is_shared = referral.pk in shared
        status = referral.status if is_shared else "received"
        moment = last_updated(referral, is_shared)
        return (not statuses or status in statuses) and all(
            _compare(p, moment, b) for p, b in dates
        )

    found = [r for r in candidates if keep(r)]
    try:
        count = min(max(int(params.get("_count", 50)), 0), MAX_COUNT)
        offset = max(int(params.get("_offset", 0)), 0)
    except ValueError:
        raise FhirError(
            400, "invalid", _("_count and _offset are whole numbers."), audit="bad_param"
        ) from None
    return found[offset : offset + count], shared, len(found)
