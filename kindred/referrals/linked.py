"""When a referral is linked to a family the program already had, what the referrer newly gave
(a child's condition, the preferred language, a new phone or e-mail) is not dropped: the
coordinator sees each difference and chooses what to apply to the family record
(`families.services.family_update`: one transaction, audited as `families.family.changed`,
plus `referrals.referral.differences_applied` naming what was applied)."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kindred.audit.log import record
from kindred.families.models import Caregiver, Child, Condition, Family, phone_digits
from kindred.families.services import family_update
from kindred.lib.languages import language_name
from kindred.referrals.models import Referral


@dataclass(frozen=True)
class Difference:
    key: str  # "phone", "email", "language", "condition:<id>"
    label: str  # what the referrer gave, in words
    current: str  # what the family record says


def _primary(caregivers: list[Caregiver]) -> Caregiver | None:
    active = [c for c in caregivers if c.is_active]
    return next((c for c in active if c.is_primary), active[0] if active else None)


def _child_for(children: list[Child], first_name: str) -> Child | None:
    active = [c for c in children if c.is_active]
    named = [c for c in active if first_name and c.first_name.lower() == first_name.lower()]
    if named:
        return named[0]
    return active[0] if len(active) == 1 else None


def differences(referral: Referral) -> list[Difference]:
    """What the referrer gave that the linked family record does not hold."""
    given = referral.as_referred or {}
    if not referral.linked_existing_family or not given:
        return []
    family: Family = referral.family
    caregivers = list(family.caregivers.all())
    children = list(family.children.prefetch_related("conditions"))
    primary = _primary(caregivers)
    found: list[Difference] = []
    phone = given.get("phone", "")
    phones = {phone_digits(p) for c in caregivers for p in (c.phone, c.phone_alt) if p}
    if phone and phone_digits(phone) not in phones and primary is not None:
        found.append(Difference("phone", phone, primary.phone or "—"))
    email = given.get("email", "")
    emails = {c.email.lower() for c in caregivers if c.email}
    if email and email.lower() not in emails and primary is not None:
        found.append(Difference("email", email, primary.email or "—"))
    language = given.get("language", "")
    if language and primary is not None and primary.preferred_language != language:
        found.append(
            Difference(
                "language", language_name(language), language_name(primary.preferred_language)
            )
        )
    child = _child_for(children, given.get("child_first_name", ""))
    if child is not None:
        held = {c.pk for c in child.conditions.all()}
        lang = get_language() or "en"
        for condition in Condition.objects.filter(pk__in=given.get("conditions") or []):
            if condition.pk not in held:
                found.append(
                    Difference(
                        f"condition:{condition.pk}",
                        _("%(condition)s for %(child)s")
                        % {"condition": condition.label_for(lang), "child": child.first_name},
                        ", ".join(c.label_for(lang) for c in child.conditions.all()) or "—",
                    )
                )
    return found


def apply_differences(
    *, referral: Referral, keys: list[str], by: Any, request: HttpRequest | None = None
) -> list[str]:
    """Apply the chosen differences to the family record, all or nothing."""
    chosen = {d.key: d for d in differences(referral) if d.key in set(keys)}
    if not chosen:
        return []
    given = referral.as_referred
    family: Family = referral.family
    caregivers = list(family.caregivers.all())
    primary = _primary(caregivers)
    caregiver_changes: dict[str, Any] = {}
    if primary is not None:
        if "phone" in chosen:
            # The phone on file stays reachable: it becomes the other phone.
            caregiver_changes["phone"] = given["phone"]
            if primary.phone and not primary.phone_alt:
                caregiver_changes["phone_alt"] = primary.phone
        if "email" in chosen:
            caregiver_changes["email"] = given["email"]
        if "language" in chosen:
            caregiver_changes["preferred_language"] = given["language"]
    child_rows = []
    condition_ids = [int(k.split(":", 1)[1]) for k in chosen if k.startswith("condition:")]
    if condition_ids:
        child = _child_for(list(family.children.all()), given.get("child_first_name", ""))
        if child is not None:
            held = list(child.conditions.values_list("pk", flat=True))
            child_rows.append({"id": child.pk, "conditions": [*held, *condition_ids]})
    with transaction.atomic():
        changed = family_update(
            family=family,
            version=family.version,
            by=by,
            request=request,
            caregivers=[{"id": primary.pk, **caregiver_changes}]
            if primary is not None and caregiver_changes
            else [],
            children=child_rows,
        )
        record(
            action="referrals.referral.differences_applied",
            request=request,
            actor=by,
            program=referral.program_id,
            obj=referral,
            fields=sorted(chosen),
            detail={"family": family.pk},
        )
    return changed
