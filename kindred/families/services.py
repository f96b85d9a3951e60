"""Workflows about a family that span several models: create, update, merge."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.audit.log import record
from kindred.families.inputs import (
    FAMILY_FIELDS,
    CaregiverInput,
    ChildInput,
    ErrorCollector,
    FamilyInput,
    FieldPath,
)
from kindred.families.models import (
    Caregiver,
    Child,
    Condition,
    Consent,
    Experience,
    Family,
    FamilyMerge,
)
from kindred.lib import extensions
from kindred.programs.models import Program

# The fields of the typed input are the fields a caregiver's or a child's form sets.
CHILD_M2M = ["conditions", "experiences"]
CAREGIVER_FIELDS = [f.name for f in fields(CaregiverInput)]
CHILD_FIELDS = [f.name for f in fields(ChildInput) if f.name not in CHILD_M2M]

# Fields an edit never changes, so full_clean() leaves them alone.
FAMILY_FIELDS_NOT_EDITED = ["program", "form_token", "merged_into", "created_by"]


class ConcurrentEdit(Exception):
    """Someone else saved the family since this edit began."""

    def __init__(self, current: Family) -> None:
        super().__init__("The family changed since you opened it.")
        self.current = current


class DuplicateSubmission(Exception):
    """This form was already submitted: the family it created is `family`."""

    def __init__(self, family: Family) -> None:
        super().__init__("This form was already submitted.")
        self.family = family


def _vocabulary(model: type[Any], program: Program, values: Iterable[Any]) -> list[Any]:
    ids = [v.pk if hasattr(v, "pk") else int(v) for v in values]
    found = list(model.objects.for_program(program).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError(_("Choose from the program's list."))
    return found


def _default_name(caregivers: Sequence[CaregiverInput]) -> str:
    for caregiver in caregivers:
        name = (caregiver.last_name or caregiver.first_name or "").strip()
        if name:
            return name
    return ""


def family_create(
    *,
    program: Program,
    family: FamilyInput,
    by: Any,
    request: HttpRequest | None = None,
    form_token: str | None = None,
    audit: bool = True,
) -> Family:
    """Create a family with its caregivers, children and first consents, all or nothing.

    Raises FamilyInputError (a ValidationError) naming each problem's FieldPath
    ("caregivers[0].phone"); DuplicateSubmission when `form_token` was already used.
    """
    errors = ErrorCollector()
    if not family.caregivers:
        errors.add(FieldPath("caregivers"), _("Add at least one caregiver."))
        errors.raise_if_any()
    primary_given = any(c.is_primary for c in family.caregivers)

    if form_token:
        existing = Family.objects.filter(form_token=form_token).first()
        if existing is not None:
            raise DuplicateSubmission(existing)

    now = timezone.now()
    new = Family(
        program=program,
        created_by=by if getattr(by, "pk", None) else None,
        created_at=now,
        updated_at=now,
        form_token=form_token or None,
    )
    for name in FAMILY_FIELDS:
        setattr(new, name, (getattr(family, name) or "").strip())
    new.name = new.name or _default_name(family.caregivers)
    try:
        new.full_clean(exclude=FAMILY_FIELDS_NOT_EDITED)
    except ValidationError as exc:
        errors.add(FieldPath(), exc)

    built_caregivers = []
    for index, data in enumerate(family.caregivers):
        caregiver = Caregiver(family=new, **asdict(data))
        if index == 0 and not primary_given:
            caregiver.is_primary = True
        try:
            caregiver.full_clean(exclude=["family"], validate_constraints=False)
        except ValidationError as exc:
            errors.add(FieldPath("caregivers", index), exc)
        built_caregivers.append(caregiver)
    if sum(1 for c in built_caregivers if c.is_primary) > 1:
        errors.add(FieldPath("caregivers"), _("Only one caregiver can be the primary contact."))

    built_children = []
    for index, child_data in enumerate(family.children):
        values = asdict(child_data)
        m2m_values = {name: values.pop(name) for name in CHILD_M2M}
        child = Child(family=new, **values)
        try:
            child.full_clean(exclude=["family"])
        except ValidationError as exc:
            errors.add(FieldPath("children", index), exc)
        m2m: dict[str, list[Any]] = {}
        for name, model in (("conditions", Condition), ("experiences", Experience)):
            try:
                m2m[name] = _vocabulary(model, program, m2m_values[name] or [])
            except (ValidationError, ValueError, TypeError):
                errors.add(FieldPath("children", index, name), _("Choose from the program's list."))
        built_children.append((child, m2m))

    consent_rows = []
    for index, consent_data in enumerate(family.consents):
        entry = Consent(
            scope=consent_data.scope,
            decision=consent_data.decision or Consent.Decision.GRANTED,
            method=consent_data.method or Consent.Method.VERBAL,
            note=consent_data.note,
            recorded_by=by if getattr(by, "pk", None) else None,
        )
        if consent_data.effective_at:
            entry.effective_at = consent_data.effective_at
        try:
            entry.full_clean(exclude=["family", "given_by"], validate_constraints=False)
        except ValidationError as exc:
            errors.add(FieldPath("consents", index), exc)
        if consent_data.given_by is not None and not 0 <= consent_data.given_by < len(
            built_caregivers
        ):
            errors.add(FieldPath("consents", index, "given_by"), _("Choose a caregiver."))
        consent_rows.append((entry, consent_data.given_by))

    errors.raise_if_any()

    try:
        with transaction.atomic():
            new.save()
            for caregiver in built_caregivers:
                caregiver.family = new
                caregiver.save()
            for child, m2m in built_children:
                child.family = new
                child.save()
                if m2m["conditions"]:
                    child.conditions.set(m2m["conditions"])
                if m2m["experiences"]:
                    child.experiences.set(m2m["experiences"])
            for entry, giver in consent_rows:
                entry.family = new
                entry.given_by = built_caregivers[giver] if giver is not None else None
                entry.save()
            new.refresh_search()
            if audit:
                record(
                    action="families.family.created",
                    request=request,
                    actor=by,
                    program=program,
                    obj=new,
                    fields=[*FAMILY_FIELDS, "caregivers", "children", "consents"],
                    detail={
                        "caregivers": len(built_caregivers),
                        "children": len(built_children),
                        "consents": len(consent_rows),
                    },
                )
    except IntegrityError:
        if form_token:
            existing = Family.objects.filter(form_token=form_token).first()
            if existing is not None:
                raise DuplicateSubmission(existing) from None
        raise
    return new


def snapshot(family: Family) -> dict[str, Any]:
    """The family, its caregivers and children as plain values: what an editor saw."""

    def value(v: Any) -> Any:
        return v.isoformat() if hasattr(v, "isoformat") else v

    caregivers = {
        str(c.pk): {name: value(getattr(c, name)) for name in [*CAREGIVER_FIELDS, "is_active"]}
        for c in family.caregivers.all()
    }
    children = {}
    for child in family.children.all():
        row = {name: value(getattr(child, name)) for name in [*CHILD_FIELDS, "is_active"]}
        row["conditions"] = sorted(c.pk for c in child.conditions.all())
        row["experiences"] = sorted(e.pk for e in child.experiences.all())
        children[str(child.pk)] = row
    return {
        "version": family.version,
        "family": {name: value(getattr(family, name)) for name in [*FAMILY_FIELDS, "status"]},
        "caregivers": caregivers,
        "children": children,
    }


def diff_snapshots(
    before: dict[str, Any], after: dict[str, Any]
) -> list[tuple[str, str, Any, Any]]:
    """[(part, field, old, new)] between two snapshots; part is "family", "caregiver:<id>"..."""
    changes: list[tuple[str, str, Any, Any]] = []
    for field, old in before.get("family", {}).items():
        new = after.get("family", {}).get(field)
        if old != new:
            changes.append(("family", field, old, new))
    for kind in ("caregivers", "children"):
        old_rows, new_rows = before.get(kind, {}), after.get(kind, {})
        for pk in sorted(set(old_rows) | set(new_rows), key=int):
            old_row, new_row = old_rows.get(pk), new_rows.get(pk)
            if old_row is None:
                changes.append((f"{kind}:{pk}", "__added__", None, new_row))
                continue
            if new_row is None:
                continue
            for field in old_row:
                if old_row[field] != new_row.get(field):
                    changes.append((f"{kind}:{pk}", field, old_row[field], new_row.get(field)))
    return changes


def family_update(
    *,
    family: Family,
    version: int,
    by: Any,
    request: HttpRequest | None = None,
    data: Mapping[str, Any] | None = None,
    caregivers: Iterable[Mapping[str, Any]] = (),
    children: Iterable[Mapping[str, Any]] = (),
) -> list[str]:
    """Apply an edit made on `version` of the family. Returns the changed field names.

    `caregivers` / `children`: dicts with an optional `id` (absent: a new person) and the
    fields to set, including `is_active` False to remove someone from the family (kept, never
    deleted). Raises ConcurrentEdit when someone saved the family since `version`, and
    FamilyInputError (paths as in family_create, rows indexed as given) on bad input; nothing
    is written then.
    """
    data = dict(data or {})
    caregivers = [dict(c) for c in caregivers]
    children = [dict(c) for c in children]
    with transaction.atomic():
        locked = Family.objects.select_for_update().get(pk=family.pk)
        if locked.version != version:
            raise ConcurrentEdit(locked)
        if locked.status in (Family.Status.MERGED, Family.Status.ENTERED_IN_ERROR):
            gone = ErrorCollector()
            gone.add(FieldPath(), _("This family record can no longer change."))
            gone.raise_if_any()
        before = snapshot(locked)
        errors = ErrorCollector()
        for name in FAMILY_FIELDS:
            if name in data:
                setattr(
                    locked, name, data[name].strip() if isinstance(data[name], str) else data[name]
                )
        try:
            locked.full_clean(
                exclude=FAMILY_FIELDS_NOT_EDITED,
                validate_constraints=False,
            )
        except ValidationError as exc:
            errors.add(FieldPath(), exc)

        existing_caregivers = {c.pk: c for c in locked.caregivers.all()}
        to_save_caregivers = []
        for index, given_caregiver in enumerate(caregivers):
            row = dict(given_caregiver)
            pk = row.pop("id", None)
            if pk:
                caregiver = existing_caregivers.get(int(pk))
                if caregiver is None:
                    errors.add(FieldPath("caregivers", index), _("Unknown caregiver."))
                    continue
            else:
                caregiver = Caregiver(family=locked)
            for name in [*CAREGIVER_FIELDS, "is_active"]:
                if name in row:
                    setattr(caregiver, name, row[name] if row[name] is not None else "")
            if not caregiver.is_active:
                caregiver.is_primary = False
            try:
                caregiver.full_clean(exclude=["family"], validate_constraints=False)
            except ValidationError as exc:
                errors.add(FieldPath("caregivers", index), exc)
            to_save_caregivers.append(caregiver)
        everyone = {c.pk: c for c in existing_caregivers.values()}
        new_ones = [c for c in to_save_caregivers if c.pk is None]
        for c in to_save_caregivers:
            if c.pk:
                everyone[c.pk] = c
        active = [c for c in [*everyone.values(), *new_ones] if c.is_active]
        if not active:
            errors.add(FieldPath("caregivers"), _("A family needs at least one caregiver."))
        elif sum(1 for c in active if c.is_primary) > 1:
            errors.add(FieldPath("caregivers"), _("Only one caregiver can be the primary contact."))
        elif not any(c.is_primary for c in active):
            active[0].is_primary = True
            if active[0] not in to_save_caregivers:
                to_save_caregivers.append(active[0])

        existing_children = {c.pk: c for c in locked.children.all()}
        to_save_children = []
        for index, given_child in enumerate(children):
            row = dict(given_child)
            pk = row.pop("id", None)
            if pk:
                child = existing_children.get(int(pk))
                if child is None:
                    errors.add(FieldPath("children", index), _("Unknown child."))
                    continue
            else:
                child = Child(family=locked)
            for name in [*CHILD_FIELDS, "is_active"]:
                if name in row:
                    setattr(child, name, row[name])
            child.updated_at = timezone.now()
            try:
                child.full_clean(exclude=["family"])
            except ValidationError as exc:
                errors.add(FieldPath("children", index), exc)
            m2m: dict[str, list[Any]] = {}
            for name, model in (("conditions", Condition), ("experiences", Experience)):
                if name in row:
                    try:
                        m2m[name] = _vocabulary(model, locked.program, row[name] or [])
                    except (ValidationError, ValueError, TypeError):
                        errors.add(
                            FieldPath("children", index, name), _("Choose from the program's list.")
                        )
            to_save_children.append((child, m2m))
        errors.raise_if_any()

        # Primary flags first cleared, then set, so the one-primary constraint holds throughout.
        for caregiver in to_save_caregivers:
            if caregiver.pk and not caregiver.is_primary:
                caregiver.updated_at = timezone.now()
                caregiver.save()
        for caregiver in to_save_caregivers:
            if caregiver.pk is None or caregiver.is_primary:
                caregiver.family = locked
                caregiver.updated_at = timezone.now()
                caregiver.save()
        for child, m2m in to_save_children:
            child.family = locked
            child.save()
            for name, values in m2m.items():
                getattr(child, name).set(values)
        after = snapshot(locked)
        changes = diff_snapshots(before, after)
        changed = sorted(
            {
                f"{part.split(':')[0]}.{field}" if part != "family" else field
                for part, field, _o, _n in changes
            }
        )
        if changed:
            locked.version += 1
            locked.updated_at = timezone.now()
            locked.save()
            locked.refresh_search()
            record(
                action="families.family.changed",
                request=request,
                actor=by,
                program=locked.program_id,
                obj=locked,
                fields=changed,
            )
    family.refresh_from_db()
    return changed


def family_merge(
    *, keep: Family, merged: Family, by: Any, request: HttpRequest | None = None, reason: str = ""
) -> FamilyMerge:
    """Merge `merged` into `keep`: its caregivers, children and consent entries move to `keep`,
    its notes and missing address are carried over, and `merged` becomes a "merged" record
    pointing at `keep` (kept, never deleted). Other apps move their rows through an optional
    `family_merge.py: reassign(*, keep, merged)` in each app.
    """

    if keep.pk == merged.pk:
        raise ValidationError(_("A family cannot be merged into itself."))
    if keep.program_id != merged.program_id:
        raise ValidationError(_("Only families of the same program can be merged."))
    with transaction.atomic():
        locked = {
            f.pk: f
            for f in Family.objects.select_for_update()
            .filter(pk__in=[keep.pk, merged.pk])
            .order_by("pk")
        }
        keep_l, merged_l = locked[keep.pk], locked[merged.pk]
        usable = (Family.Status.ACTIVE, Family.Status.CLOSED)
        if keep_l.status not in usable or merged_l.status not in usable:
            raise ValidationError(_("Merged or entered-in-error records cannot be merged."))
        moved = {
            "caregivers": list(merged_l.caregivers.values_list("pk", flat=True)),
            "children": list(merged_l.children.values_list("pk", flat=True)),
            "consents": list(merged_l.consents.values_list("pk", flat=True)),
        }
        merged_l.caregivers.filter(is_primary=True).update(is_primary=False)
        merged_l.caregivers.update(family=keep_l)
        merged_l.children.update(family=keep_l)
        merged_l.consents.update(family=keep_l)
        for module in extensions.family_merge_modules(exclude=("kindred.families",)):
            module.reassign(keep=keep_l, merged=merged_l)
        if merged_l.notes.strip():
            heading = _("From merged record #%(id)s:") % {"id": merged_l.pk}
            keep_l.notes = f"{keep_l.notes.rstrip()}\n\n{heading}\n{merged_l.notes}".strip()
        if not keep_l.address_line1 and merged_l.address_line1:
            for name in ("address_line1", "address_line2", "city", "state", "zip_code"):
                setattr(keep_l, name, getattr(merged_l, name))
        keep_l.version += 1
        keep_l.updated_at = timezone.now()
        keep_l.save()
        keep_l.refresh_search()
        merge = FamilyMerge.objects.create(
            keep=keep_l, merged=merged_l, by=by if getattr(by, "pk", None) else None, moved=moved
        )
        detail = {"keep": keep_l.pk, "merged": merged_l.pk}
        merged_l.transition(
            to=Family.Status.MERGED,
            reason=reason or _("Merged into family #%(id)s") % {"id": keep_l.pk},
            by=by,
            request=request,
            detail=detail,
            merged_into=keep_l,
        )
        merged_l.refresh_search()
        record(
            action="families.family.merged_in",
            request=request,
            actor=by,
            program=keep_l.program_id,
            obj=keep_l,
            fields=["caregivers", "children", "consents", "notes"],
            detail=detail,
        )
    keep.refresh_from_db()
    merged.refresh_from_db()
    return merge
