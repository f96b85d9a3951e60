"""One answer to "may we do X for this family now?".

Every app that contacts a family, shares its information or counts it in an evaluation asks
`may(family, scope)` at the moment it acts. The latest consent entry for that scope decides;
no entry means no (P2P practice: no contact and no match without the parent's expressed
permission). A withdrawal therefore takes effect at once, everywhere.
"""

from typing import Any

from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from kindred.families.models import Consent, Family

Scope = Consent.Scope


def latest_entry(family: Family | int, scope: str) -> Consent | None:
    family_id = family.pk if isinstance(family, Family) else family
    return (
        Consent.objects.filter(family_id=family_id, scope=scope, effective_at__lte=timezone.now())
        .order_by("-effective_at", "-id")
        .first()
    )


def may(family: Family | int, scope: str) -> bool:
    """True when the latest entry for `scope` grants it and the family record is usable.

    A family marked entered-in-error or merged answers False: the surviving record of a merge
    carries the consents over, so callers should act on that record.
    """
    if scope not in Scope.values:
        raise ValueError(f"Unknown consent scope {scope!r}")
    status: str | None
    if isinstance(family, Family):
        status = family.status
    else:
        status = Family.objects.filter(pk=family).values_list("status", flat=True).first()
    if status not in (Family.Status.ACTIVE, Family.Status.CLOSED):
        return False
    entry = latest_entry(family, scope)
    return entry is not None and entry.decision == Consent.Decision.GRANTED


def current_decisions(family: Family) -> dict[str, Consent | None]:
    """{scope: latest entry or None} for every scope, in one query."""
    result: dict[str, Consent | None] = dict.fromkeys(Scope.values)
    now = timezone.now()
    for entry in (
        family.consents.filter(effective_at__lte=now)
        .select_related("given_by")
        .order_by("-effective_at", "-id")
    ):
        if result.get(entry.scope) is None:
            result[entry.scope] = entry
    return result


def with_consent(queryset: "models.QuerySet[Any]", scope: str, *, family_field: str = "pk") -> Any:
    """Filter a queryset (of families, or of rows with a family FK via `family_field`) to those
    whose latest `scope` entry grants it — for lists that must honour consent in one query."""
    latest = (
        Consent.objects.filter(
            family_id=OuterRef(family_field), scope=scope, effective_at__lte=timezone.now()
        )
        .order_by("-effective_at", "-id")
        .values("decision")[:1]
    )
    return queryset.annotate(_consent_decision=Subquery(latest)).filter(
        _consent_decision=Consent.Decision.GRANTED
    )


def consent_record(
    *,
    family: Family,
    scope: str,
    decision: str,
    method: str,
    by: Any,
    given_by: Any = None,
    effective_at: Any = None,
    note: str = "",
    request: Any = None,
) -> Consent:
    """Record a consent decision (grant or withdrawal), audited. Entries are never edited."""
    from django.db import transaction

    from kindred.audit.log import record

    with transaction.atomic():
        locked = Family.objects.select_for_update().get(pk=family.pk)
        if locked.status in (Family.Status.MERGED, Family.Status.ENTERED_IN_ERROR):
            raise ValueError("This family record can no longer change.")
        if given_by is not None and given_by.family_id != locked.pk:
            raise ValueError("The caregiver giving consent must belong to this family.")
        entry = Consent(
            family=locked,
            scope=scope,
            decision=decision,
            method=method,
            given_by=given_by,
            recorded_by=by if getattr(by, "pk", None) else None,
            note=note,
        )
        if effective_at is not None:
            entry.effective_at = effective_at
        entry.full_clean()
        entry.save()
        record(
            action=f"families.consent.{'granted' if decision == Consent.Decision.GRANTED else 'withdrawn'}",
            request=request,
            actor=by,
            program=locked.program_id,
            obj=entry,
            fields=["scope", "decision", "method"],
            detail={"family": locked.pk, "scope": scope},
        )
        # Apps that act on consent (support groups) hear of it in the same transaction, so a
        # withdrawal takes effect at once, everywhere.
        from kindred.lib import extensions

        for module in extensions.consent_changed_modules():
            module.consent_changed(locked, scope, by=by, request=request)
    return entry
