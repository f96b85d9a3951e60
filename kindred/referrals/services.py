"""Workflows about referrals that span several models: a referral arrives (creating or
linking the family record and its consent), or changes status and the referrer is told.

A step change and a contact attempt touch the referral alone: they are model methods
(`Referral.change_step`, `Referral.log_contact_attempt`), audited inside their transaction."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.audit.log import record
from kindred.families.consent import consent_record, may
from kindred.families.duplicates import find_likely_duplicates
from kindred.families.inputs import (
    CaregiverInput,
    ChildInput,
    ConsentInput,
    FamilyInput,
    FieldPath,
)
from kindred.families.models import Consent, Family
from kindred.families.services import family_create
from kindred.programs.models import Program, Role
from kindred.referrals.deadlines import BusinessHours, due_at
from kindred.referrals.models import (
    ConsentMethod,
    ExternalReferrer,
    Notification,
    Referral,
    ReferralSettings,
    Source,
    Transition,
)
from kindred.referrals.notifications import notify, program_people
from kindred.referrals.status import OPEN, Status

# The family app records consent as verbal / written / electronic.
CONSENT_METHOD_TO_FAMILIES: dict[str, str] = {
    ConsentMethod.VERBAL: Consent.Method.VERBAL,
    ConsentMethod.PHONE: Consent.Method.VERBAL,
    ConsentMethod.WRITTEN: Consent.Method.WRITTEN,
    ConsentMethod.ELECTRONIC: Consent.Method.ELECTRONIC,
    ConsentMethod.SELF: Consent.Method.ELECTRONIC,
}

# Audit: which referral fields a creation writes (names only, never values).
CREATED_FIELDS = [
    "family",
    "source",
    "reasons",
    "looking_for",
    "urgency",
    "language",
    "consent_to_contact",
    "consent_obtained_by",
    "consent_method",
    "share_status_with_referrer",
    "referrer_role",
    "referrer_department",
    "as_referred",
    "conditions",
    "referrer_reference",
]


@dataclass
class ReferredFamily:
    """Who is referred: the caregiver to contact and the child (as little as a program needs)."""

    caregiver_first_name: str
    caregiver_last_name: str = ""
    phone: str = ""
    email: str = ""
    language: str = "en"
    child_first_name: str = ""
    child_birth_date: date | None = None
    child_age_years: int | None = None
    conditions: list[Any] = field(default_factory=list)
    other_condition: str = ""


def first_contact_due(program: Program, received: Any) -> Any:
    settings = ReferralSettings.for_program(program)
    business = (
        BusinessHours(start=settings.opens_at, end=settings.closes_at)
        if settings.business_hours_only
        else None
    )
    return due_at(received, program.first_contact_target_hours, business)


def _check(family: ReferredFamily, consent_to_contact: bool) -> None:
    errors: dict[str, list[str]] = {}
    if not consent_to_contact:
        errors["consent_to_contact"] = [
            _(
                "The family must agree to be contacted: a program never reaches out without "
                "the parent's permission."
            )
        ]
    if not family.phone.strip() and not family.email.strip():
        errors["phone"] = [
            _("Give a phone number or an e-mail address, so the program can reach the family.")
        ]
    if not family.caregiver_first_name.strip():
        errors["caregiver_first_name"] = [_("Give the caregiver's first name.")]
    if family.child_birth_date and family.child_birth_date > timezone.localdate():
        errors["child_birth_date"] = [_("The child's date of birth cannot be in the future.")]
    if errors:
        raise ValidationError(errors)


# Where each part of the family input made from a ReferredFamily is typed on the referral forms
# (their fields are named as ReferredFamily's): families.forms.flat_form_place reads it.
REFERRED_FAMILY_PATHS = {
    FieldPath("caregivers", 0, "first_name"): "caregiver_first_name",
    FieldPath("caregivers", 0, "last_name"): "caregiver_last_name",
    FieldPath("caregivers", 0, "phone"): "phone",
    FieldPath("caregivers", 0, "email"): "email",
    FieldPath("caregivers", 0, "preferred_language"): "language",
    FieldPath("children", 0, "first_name"): "child_first_name",
    FieldPath("children", 0, "date_of_birth"): "child_birth_date",
    FieldPath("children", 0, "conditions"): "conditions",
}


def _family_input(family: ReferredFamily, consents: list[ConsentInput]) -> FamilyInput:
    """The new family record a referral makes: one caregiver, the child if named."""
    children = []
    if family.child_first_name.strip():
        children.append(
            ChildInput(
                first_name=family.child_first_name.strip(),
                date_of_birth=family.child_birth_date,
                conditions=list(family.conditions),
            )
        )
    return FamilyInput(
        caregivers=[
            CaregiverInput(
                first_name=family.caregiver_first_name.strip(),
                last_name=family.caregiver_last_name.strip(),
                relationship="parent",
                phone=family.phone.strip(),
                email=family.email.strip(),
                preferred_language=family.language,
            )
        ],
        children=children,
        consents=consents,
    )


def _create_or_link_family(
    *,
    program: Program,
    family: ReferredFamily,
    by: Any,
    consents: list[ConsentInput],
    request: HttpRequest | None,
) -> tuple[Family, bool]:
    name = f"{family.caregiver_first_name} {family.caregiver_last_name}".strip()
    likely = find_likely_duplicates(
        program=program,
        caregiver_name=name,
        phone=family.phone,
        email=family.email,
        child_birth_date=family.child_birth_date,
    )
    if likely:
        existing = likely[0]
        if existing.status == Family.Status.CLOSED:
            existing.transition(to=Family.Status.ACTIVE, by=by, request=request)
        for entry in consents:
            consent_record(
                family=existing,
                scope=entry.scope,
                decision=Consent.Decision.GRANTED,
                method=entry.method,
                by=by,
                note=entry.note,
                request=request,
            )
        return existing, True
    # A FamilyInputError goes up as it is: the forms place it (REFERRED_FAMILY_PATHS).
    created = family_create(
        program=program, family=_family_input(family, consents), by=by, request=request
    )
    return created, False


def referral_create(
    *,
    program: Program,
    family: ReferredFamily,
    source: str,
    by: Any,
    consent_to_contact: bool,
    consent_obtained_by: str,
    consent_method: str,
    share_status_with_referrer: bool = False,
    notify_referrer: bool = True,
    reasons: list[str] | None = None,
    looking_for: str = "",
    urgency: str = "routine",
    referrer_role: str = "",
    referrer_department: str = "",
    request: HttpRequest | None = None,
    submission_key: str = "",
    external_referrer: ExternalReferrer | None = None,
    fhir_received: dict[str, Any] | None = None,
    actor_label: str = "",
    referrer_reference: str = "",
) -> Referral:
    """A referral arrives: all or nothing. Refused (ValidationError, nothing saved) without the
    family's consent to be contacted, without a phone or e-mail, or with a child born in the
    future. The family record is created, or linked when one is likely the same family.
    `submission_key`: the digest of a public form's one-time key, or of a FHIR bundle's
    identity (IntegrityError if used). From an EHR (source "ehr") the referrer is
    `external_referrer` (saved here, in the same transaction) and `by` is nobody;
    `fhir_received` keeps what the FHIR resources carried that Kindred has no field for."""
    _check(family, consent_to_contact)
    if source == Source.EHR:
        if external_referrer is None:
            raise ValidationError(
                _("A referral from an electronic health record names its requester.")
            )
    elif source != Source.SELF and not getattr(by, "pk", None):
        raise ValidationError(_("A referral from a referrer needs the referrer."))
    method = CONSENT_METHOD_TO_FAMILIES.get(consent_method)
    if method is None:
        raise ValidationError({"consent_method": [_("Choose how the family gave consent.")]})
    note = _("Given for referral, obtained by %(who)s") % {"who": consent_obtained_by}
    consents = [ConsentInput(scope=Consent.Scope.CONTACT, method=method, note=note[:500])]
    if share_status_with_referrer and source != Source.SELF:
        consents.append(
            ConsentInput(
                scope=Consent.Scope.SHARE_STATUS_WITH_REFERRER, method=method, note=note[:500]
            )
        )
    actor = by if getattr(by, "pk", None) and source != Source.EHR else None
    with transaction.atomic():
        if external_referrer is not None and source == Source.EHR:
            external_referrer.full_clean()
            external_referrer.save()
        family_record, linked = _create_or_link_family(
            program=program, family=family, by=actor, consents=consents, request=request
        )
        now = timezone.now()
        open_one = (
            Referral.objects.filter(program=program, family=family_record, status__in=OPEN)
            .order_by("received_at")
            .first()
        )
        referral = Referral(
            program=program,
            family=family_record,
            source=source,
            referred_by=actor if source not in (Source.SELF, Source.EHR) else None,
            external_referrer=external_referrer if source == Source.EHR else None,
            fhir_received=fhir_received or {},
            referrer_role=referrer_role,
            referrer_department=referrer_department.strip(),
            reasons=sorted(set(reasons or [])),
            looking_for=_with_other_condition(looking_for, family),
            urgency=urgency,
            language=family.language,
            consent_to_contact=True,
            consent_obtained_by=consent_obtained_by.strip()[:200],
            consent_method=consent_method,
            consent_at=now,
            share_status_with_referrer=share_status_with_referrer and source != Source.SELF,
            notify_referrer=notify_referrer and source not in (Source.SELF, Source.EHR),
            linked_existing_family=linked,
            duplicate_of=open_one,
            received_at=now,
            due_at=first_contact_due(program, now),
            status_changed_at=now,
            child_age_years=family.child_age_years,
            submission_key=submission_key,
            as_referred=as_referred(family),
            referrer_reference=referrer_reference.strip()[:60],
        )
        # submission_key: its unique constraint is the database's to enforce (a concurrent twin
        # fails the insert, and the public page answers it with the first one's thank-you).
        referral.full_clean(
            exclude=[
                "family",
                "program",
                "referred_by",
                "external_referrer",
                "duplicate_of",
                "submission_key",
            ]
        )
        referral.save()
        if family.conditions:
            referral.conditions.set(family.conditions)
        referral.write_transition_row(at=now, by=actor, from_status="", to_status=Status.REQUESTED)
        record(
            action="referrals.referral.created",
            request=request,
            actor=actor,
            actor_label=actor_label or ("" if actor else "self-referral"),
            program=program,
            obj=referral,
            fields=CREATED_FIELDS,
            detail={
                "source": source,
                "family": family_record.pk,
                "linked_existing_family": linked,
                "duplicate_of": open_one.pk if open_one else None,
            },
        )
        notify(
            referral=referral,
            recipients=program_people(program.pk, [Role.COORDINATOR]),
            kind=Notification.Kind.NEW_REFERRAL,
        )
    return referral


def as_referred(family: ReferredFamily) -> dict[str, Any]:
    """What the referrer typed about the family, as plain values (Referral.as_referred)."""
    return {
        "caregiver_first_name": family.caregiver_first_name.strip(),
        "caregiver_last_name": family.caregiver_last_name.strip(),
        "phone": family.phone.strip(),
        "email": family.email.strip(),
        "language": family.language,
        "child_first_name": family.child_first_name.strip(),
        "child_birth_date": family.child_birth_date.isoformat() if family.child_birth_date else "",
        "conditions": sorted(getattr(c, "pk", c) for c in family.conditions),
    }


def _with_other_condition(looking_for: str, family: ReferredFamily) -> str:
    looking_for = looking_for.strip()
    if family.other_condition.strip():
        prefix = _("Condition, in the referrer's words: %(text)s") % {
            "text": family.other_condition.strip()
        }
        return f"{prefix}\n{looking_for}".strip()
    return looking_for


def referrer_may_see_status(referral: Referral) -> bool:
    """The referrer sees progress only while the family consents to it (latest entry wins)."""
    return referral.share_status_with_referrer and may(
        referral.family_id, Consent.Scope.SHARE_STATUS_WITH_REFERRER
    )


def referral_move(
    *,
    referral: Referral,
    to: str,
    by: Any,
    reason: str = "",
    note: str = "",
    referred_out_to: str = "",
    step: str | None = None,
    request: HttpRequest | None = None,
) -> Transition:
    """Change a referral's status (the model writes the transition row and the audit event in
    its transaction); tell the referrer if they asked and the family agreed, after commit."""
    with transaction.atomic():
        transition = referral.transition(
            to=to,
            by=by,
            reason=reason,
            note=note,
            step=step,
            referred_out_to=referred_out_to,
            request=request,
        )
        if (
            referral.notify_referrer
            and referral.referred_by_id
            and to != Status.ENTERED_IN_ERROR
            and referrer_may_see_status(referral)
        ):
            notify(
                referral=referral,
                recipients=[referral.referred_by] if referral.referred_by else [],
                kind=Notification.Kind.STATUS_CHANGED,
                status=to,
            )
    return transition  # type: ignore[return-value]
