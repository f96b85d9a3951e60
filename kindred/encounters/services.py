"""Logging, editing and correcting encounters: every change in one transaction, audited, with
the history of edits (EncounterRevision). A flagged concern opens an escalation in the
supervisor's queue (mentors.Escalation) and e-mails the program's supervisors a link."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.audit.log import record
from kindred.encounters.access import can_read_notes
from kindred.encounters.models import (
    Concern,
    Encounter,
    EncounterFamily,
    EncounterMentor,
    EncounterRevision,
    EncounterSupport,
    FollowUp,
    Theme,
)
from kindred.encounters.notices import notify_supervisors
from kindred.families.models import Caregiver, Child, Family
from kindred.matching.models import Match
from kindred.mentors.models import Escalation, Mentor

SEVERITY = {
    Concern.SAFETY: Escalation.Severity.URGENT,
    Concern.CLINICAL: Escalation.Severity.HIGH,
    Concern.MENTOR_DISTRESS: Escalation.Severity.HIGH,
}
MATCH_STATUSES = ["introduced", "active"]
SCALARS = [
    "occurred_at",
    "duration_minutes",
    "setting",
    "mode",
    "initiated_by",
    "interpreter_used",
    "concern",
]


@dataclass
class EncounterInput:
    occurred_at: datetime
    duration_minutes: int
    setting: str
    mode: str
    initiated_by: str
    families: list[Family]
    mentors: list[Mentor]
    interpreter_used: bool = False
    caregivers: list[Caregiver] = field(default_factory=list)
    children: list[Child] = field(default_factory=list)
    support_types: list[str] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    services: list[Any] = field(default_factory=list)
    notes: str = ""
    concern: str = ""
    concern_details: str = ""
    follow_up: str = ""
    follow_up_due: date | None = None
    group_session: Any = None  # a support group session's note (kindred.groups.GroupSession)


def _match_for(family: Family, mentors: list[Mentor]) -> Match | None:
    if not mentors:
        return None
    return (
        Match.objects.filter(family=family, mentor__in=mentors, status__in=MATCH_STATUSES)
        .order_by("-started_at", "-id")
        .first()
    )


def _set_links(encounter: Encounter, data: EncounterInput) -> None:
    EncounterFamily.objects.filter(encounter=encounter).exclude(family__in=data.families).delete()
    have = set(encounter.family_links.values_list("family_id", flat=True))
    EncounterFamily.objects.bulk_create(
        [
            EncounterFamily(encounter=encounter, family=f, match=_match_for(f, data.mentors))
            for f in data.families
            if f.pk not in have
        ]
    )
    EncounterMentor.objects.filter(encounter=encounter).exclude(mentor__in=data.mentors).delete()
    have = set(encounter.mentor_links.values_list("mentor_id", flat=True))
    EncounterMentor.objects.bulk_create(
        [EncounterMentor(encounter=encounter, mentor=m) for m in data.mentors if m.pk not in have]
    )
    types = sorted(set(data.support_types))
    EncounterSupport.objects.filter(encounter=encounter).exclude(support_type__in=types).delete()
    have_types = set(encounter.supports.values_list("support_type", flat=True))
    EncounterSupport.objects.bulk_create(
        [
            EncounterSupport(encounter=encounter, support_type=t)
            for t in types
            if t not in have_types
        ]
    )
    encounter.caregivers.set(data.caregivers)
    encounter.children.set(data.children)
    encounter.themes.set(data.themes)


def _share_resources(encounter: Encounter, data: EncounterInput, by: Any, request: Any) -> None:
    """Resources shared are recorded the directory's way: one share per family, on its story."""
    from kindred.directory.views_share import family_language, share_create

    new = [
        s for s in data.services if s.pk not in set(encounter.services.values_list("pk", flat=True))
    ]
    encounter.services.set(data.services)
    if not new:
        return
    for family in data.families:
        share = share_create(
            family=family,
            services=new,
            language=family_language(family),
            email="",
            by=by,
            request=request,
        )
        encounter.resource_shares.add(share)


def _raise_concern(encounter: Encounter, data: EncounterInput, by: Any, request: Any) -> None:
    if not data.mentors:
        raise ValidationError(_("Choose the mentor this concern is about."))
    escalation = Escalation(
        program_id=encounter.program_id,
        mentor=data.mentors[0],
        family=data.families[0] if data.families else None,
        raised_by=by,
        concern=data.concern_details.strip() or str(Concern(data.concern).label),
        severity=SEVERITY[Concern(data.concern)],
    )
    escalation.full_clean()
    escalation.save()
    record(
        action="mentors.escalation.created",
        request=request,
        actor=by,
        obj=escalation,
        fields=["concern", "severity", "family"],
        detail={"encounter": encounter.pk, "kind": data.concern},
    )
    encounter.escalation = escalation
    Encounter.objects.filter(pk=encounter.pk).update(escalation=escalation)
    notify_supervisors(escalation, url=reverse("mentors:escalation", args=[escalation.pk]))


def _check(program: Any, data: EncounterInput) -> None:
    if not data.families:
        raise ValidationError(_("Choose at least one family."))
    family_ids = {f.pk for f in data.families}
    if any(f.program_id != program.pk for f in data.families):
        raise ValidationError(_("The family belongs to another program."))
    if any(m.program_id != program.pk for m in data.mentors):
        raise ValidationError(_("This person belongs to another program."))
    people: list[Caregiver | Child] = [*data.caregivers, *data.children]
    if any(p.family_id not in family_ids for p in people):
        raise ValidationError(_("Choose caregivers and children of the families who took part."))
    if any(t.program_id != program.pk for t in data.themes):
        raise ValidationError(_("Choose themes from the program's codebook."))
    if data.concern and data.concern not in Concern.values:
        raise ValidationError(_("Choose a concern from the list."))
    if bool(data.follow_up.strip()) != bool(data.follow_up_due):
        raise ValidationError(_("A follow-up needs both what to do and a date."))
    if data.group_session is not None and data.group_session.group.program_id != program.pk:
        raise ValidationError(_("The group session belongs to another program."))


def encounter_create(
    *, program: Any, data: EncounterInput, by: Any, request: Any = None
) -> Encounter:
    _check(program, data)
    now = timezone.now()
    with transaction.atomic():
        encounter = Encounter(
            program=program,
            occurred_at=data.occurred_at,
            duration_minutes=data.duration_minutes,
            setting=data.setting,
            mode=data.mode,
            initiated_by=data.initiated_by,
            interpreter_used=data.interpreter_used,
            notes=data.notes.strip(),
            concern=data.concern,
            concern_details=data.concern_details.strip(),
            group_session=data.group_session,
            created_by=by,
            created_at=now,
            updated_at=now,
        )
        encounter.full_clean(exclude=["escalation"])
        encounter.save()
        _set_links(encounter, data)
        _share_resources(encounter, data, by, request)
        if data.follow_up.strip() and data.follow_up_due:
            follow_up_add(
                encounter=encounter,
                description=data.follow_up,
                due_on=data.follow_up_due,
                mentor=data.mentors[0] if data.mentors else None,
                by=by,
                request=request,
            )
        if data.concern:
            _raise_concern(encounter, data, by, request)
        record(
            action="encounters.encounter.created",
            request=request,
            actor=by,
            obj=encounter,
            fields=[*SCALARS, "families", "mentors", "support_types", "themes"]
            + (["notes"] if encounter.notes else []),
            detail={"families": [f.pk for f in data.families]}
            | ({"group_session": data.group_session.pk} if data.group_session else {}),
        )
    return encounter


def snapshot(encounter: Encounter) -> dict[str, Any]:
    """What an edit may change, as plain values for the history (notes: a fingerprint only,
    so the history never copies their text)."""
    values: dict[str, Any] = {}
    for name in SCALARS:
        value = getattr(encounter, name)
        values[name] = value.isoformat() if isinstance(value, datetime) else value
    values["families"] = sorted(str(f) for f in encounter.families.all())
    values["mentors"] = sorted(m.full_name for m in encounter.mentors.all())
    values["caregivers"] = sorted(str(c) for c in encounter.caregivers.all())
    values["children"] = sorted(str(c) for c in encounter.children.all())
    values["support_types"] = sorted(encounter.supports.values_list("support_type", flat=True))
    values["themes"] = sorted(t.name for t in encounter.themes.all())
    values["services"] = sorted(s.name for s in encounter.services.all())
    values["notes"] = hashlib.sha256(encounter.notes.encode()).hexdigest()
    return values


def encounter_update(
    *, encounter: Encounter, data: EncounterInput, version: int, by: Any, request: Any = None
) -> EncounterRevision | None:
    """Apply an edit; None when nothing changed. A stale form (someone saved in between)
    is refused, nothing written."""
    program = encounter.program
    _check(program, data)
    with transaction.atomic():
        locked = Encounter.objects.select_for_update().get(pk=encounter.pk)
        if locked.version != version:
            raise ValidationError(
                _("Someone saved this encounter while you were editing. Please reload it.")
            )
        if locked.entered_in_error:
            raise ValidationError(_("This encounter was marked entered in error."))
        before = snapshot(locked)
        for name in SCALARS:
            setattr(locked, name, getattr(data, name))
        if can_read_notes(by, locked):  # who may not read the notes may not replace them
            locked.notes = data.notes.strip()
        locked.concern_details = data.concern_details.strip() or locked.concern_details
        if locked.escalation_id and not data.concern:
            locked.concern = before["concern"]  # a raised concern stays on the record
        locked.full_clean(exclude=["escalation"])
        locked.save()
        _set_links(locked, data)
        _share_resources(locked, data, by, request)
        if data.concern and not locked.escalation_id:
            _raise_concern(locked, data, by, request)
        after = snapshot(locked)
        changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if "notes" in changes:
            changes["notes"] = ["", ""]  # changed; the text itself stays out of the history
        if not changes:
            transaction.set_rollback(True)
            return None
        locked.version += 1
        locked.updated_at = timezone.now()
        Encounter.objects.filter(pk=locked.pk).update(
            version=locked.version, updated_at=locked.updated_at
        )
        revision = EncounterRevision.objects.create(
            encounter=locked, version=locked.version, by=by, changes=changes
        )
        record(
            action="encounters.encounter.changed",
            request=request,
            actor=by,
            obj=locked,
            fields=sorted(changes),
            detail={"version": locked.version},
        )
    encounter.refresh_from_db()
    return revision


def encounter_mark_error(
    *, encounter: Encounter, reason: str, by: Any, request: Any = None
) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Please say why this encounter is in error."))
    with transaction.atomic():
        locked = Encounter.objects.select_for_update().get(pk=encounter.pk)
        if locked.entered_in_error:
            raise ValidationError(_("This encounter was already marked entered in error."))
        now = timezone.now()
        locked.entered_in_error, locked.error_reason = True, reason[:500]
        locked.error_marked_by, locked.error_marked_at = by, now
        locked.version += 1
        locked.updated_at = now
        locked.save()
        EncounterRevision.objects.create(
            encounter=locked,
            version=locked.version,
            by=by,
            changes={"entered_in_error": [False, True], "error_reason": ["", reason[:500]]},
        )
        record(
            action="encounters.encounter.entered_in_error",
            request=request,
            actor=by,
            obj=locked,
            fields=["entered_in_error", "error_reason"],
        )
    encounter.refresh_from_db()


def follow_up_add(
    *,
    encounter: Encounter,
    description: str,
    due_on: date,
    mentor: Mentor | None,
    by: Any,
    request: Any = None,
) -> FollowUp:
    family_link = encounter.family_links.order_by("id").first()
    follow_up = FollowUp.objects.create(
        program_id=encounter.program_id,
        encounter=encounter,
        family_id=family_link.family_id if family_link else None,
        mentor=mentor,
        description=description.strip()[:300],
        due_on=due_on,
        created_by=by,
    )
    record(
        action="encounters.followup.created",
        request=request,
        actor=by,
        obj=follow_up,
        program=encounter.program_id,
        fields=["description", "due_on"],
    )
    return follow_up


def follow_up_done(*, follow_up: FollowUp, by: Any, request: Any = None) -> bool:
    """Mark done; False when it already was (a second tap changes nothing)."""
    with transaction.atomic():
        changed = FollowUp.objects.filter(pk=follow_up.pk, done_at__isnull=True).update(
            done_at=timezone.now(), done_by=by
        )
        if changed:
            record(
                action="encounters.followup.done",
                request=request,
                actor=by,
                obj=follow_up,
                program=follow_up.program_id,
                fields=["done_at"],
            )
    follow_up.refresh_from_db()
    return bool(changed)
