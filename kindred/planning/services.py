"""Planning workflows: start, answer and retake the readiness assessment; save the plan and
its objectives, each save writing a plan version and its audit event in one transaction."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from kindred.audit.log import record
from kindred.planning.models import (
    Objective,
    PlanVersion,
    ProgramPlan,
    ReadinessAnswer,
    ReadinessAssessment,
)
from kindred.planning.readiness import ITEMS, Answer


def plan_for(program: Any) -> ProgramPlan:
    """The program's plan, created empty on first use: for a change (a POST) only."""
    plan, _created = ProgramPlan.objects.get_or_create(program=program)
    plan.program = program
    return plan


def plan_to_read(program: Any) -> ProgramPlan:
    """The program's plan for a page that only reads (a GET writes nothing): the saved row, or
    an empty, unsaved plan when the program has none yet (the first save creates it)."""
    plan = ProgramPlan.objects.filter(program=program).first() or ProgramPlan(program=program)
    plan.program = program
    return plan


def plan_objectives(plan: ProgramPlan) -> list[Objective]:
    return list(plan.objectives.all()) if plan.pk else []


def _write_version(plan: ProgramPlan, *, by: Any) -> PlanVersion | None:
    """A version of the plan as it is now (call on the locked row); None when nothing changed."""
    objectives = list(plan.objectives.all())
    content = plan.snapshot(objectives)
    last = plan.versions.order_by("-number").first()
    before = last.content if last else {}
    changed = [name for name, text in content.items() if text != before.get(name, "")]
    if not changed:
        return None
    plan.version += 1
    plan.updated_at = timezone.now()
    plan.updated_by = by
    plan.save(update_fields=["version", "updated_at", "updated_by"])
    return PlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        saved_at=plan.updated_at,
        saved_by=by,
        changed=changed,
        content=content,
    )


def plan_save(
    *, plan: ProgramPlan, data: dict[str, str], by: Any, request: HttpRequest | None = None
) -> PlanVersion | None:
    """Save the plan's text (`data`: field name → text); a version when anything changed."""
    with transaction.atomic():
        locked = ProgramPlan.objects.select_for_update().get(pk=plan.pk)
        for name, text in data.items():
            setattr(locked, name, text)
        locked.full_clean(exclude=["program", "updated_by"])
        locked.save()
        version = _write_version(locked, by=by)
        if version is not None:
            record(
                action="planning.programplan.changed",
                request=request,
                actor=by,
                obj=locked,
                program=locked.program_id,
                fields=version.changed,
                detail={"version": version.number},
            )
    plan.refresh_from_db()
    return version


def objective_save(
    *, objective: Objective, by: Any, request: HttpRequest | None = None, fields: list[str]
) -> Objective:
    creating = objective.pk is None
    with transaction.atomic():
        plan = ProgramPlan.objects.select_for_update().get(pk=objective.plan_id)
        if creating:
            last = plan.objectives.order_by("-position").first()
            objective.position = (last.position + 1) if last else 1
        objective.full_clean(exclude=["plan"])
        objective.save()
        version = _write_version(plan, by=by)
        record(
            action=f"planning.objective.{'created' if creating else 'changed'}",
            request=request,
            actor=by,
            obj=objective,
            program=plan.program_id,
            fields=fields,
            detail={"version": version.number if version else None},
        )
    return objective


def objective_delete(*, objective: Objective, by: Any, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        plan = ProgramPlan.objects.select_for_update().get(pk=objective.plan_id)
        pk = objective.pk
        objective.delete()
        version = _write_version(plan, by=by)
        record(
            action="planning.objective.deleted",
            request=request,
            actor=by,
            program=plan.program_id,
            object_type="planning.objective",
            object_id=pk,
            detail={"version": version.number if version else None},
        )


# Readiness -----------------------------------------------------------------------------------


def assessment_start(
    *, program: Any, by: Any, request: HttpRequest | None = None
) -> ReadinessAssessment:
    """The program's draft assessment; a new one starts from the last completed answers (a
    retake changes what moved, the earlier assessment stays as it was)."""
    with transaction.atomic():
        # The program row serialises two coordinators starting at the same moment.
        type(program).objects.select_for_update().filter(pk=program.pk).first()
        draft = ReadinessAssessment.objects.filter(program=program, status="draft").first()
        if draft is not None:
            return draft
        previous = (
            ReadinessAssessment.objects.filter(program=program, status="completed")
            .order_by("-completed_at", "-id")
            .first()
        )
        assessment = ReadinessAssessment.objects.create(program=program, started_by=by)
        earlier = {a.item: a for a in previous.answers.all()} if previous is not None else {}
        ReadinessAnswer.objects.bulk_create(
            ReadinessAnswer(
                assessment=assessment,
                item=key,
                answer=earlier[key].answer if key in earlier else Answer.NOT_STARTED,
                note=earlier[key].note if key in earlier else "",
            )
            for key in ITEMS
        )
        record(
            action="planning.readinessassessment.created",
            request=request,
            actor=by,
            obj=assessment,
            detail={"from": previous.pk if previous else None},
        )
    return assessment


def assessment_answer(
    *,
    assessment: ReadinessAssessment,
    answers: dict[str, tuple[str, str]],
    by: Any,
    request: HttpRequest | None = None,
) -> list[str]:
    """Record `answers` (item key → (answer, note)) on a draft; the keys of the items changed."""
    changed: list[str] = []
    with assessment.locked():
        if assessment.status != ReadinessAssessment.Status.DRAFT:
            raise ValueError("A completed assessment is kept as it was.")
        existing = {a.item: a for a in assessment.answers.all()}
        for key, (answer, note) in answers.items():
            row = existing.get(key) or ReadinessAnswer(assessment=assessment, item=key)
            if row.pk is None or (row.answer, row.note) != (answer, note):
                row.answer, row.note = answer, note
                row.full_clean(exclude=["assessment"])
                row.save()
                changed.append(key)
        assessment.updated_at = timezone.now()
        assessment.save(update_fields=["updated_at"])
        record(
            action="planning.readinessassessment.changed",
            request=request,
            actor=by,
            obj=assessment,
            fields=changed,
        )
    return changed
