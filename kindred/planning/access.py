"""Scoped access to planning rows (kindred.programs.access): rows of the current program only;
another program's row answers 404, a member without the capability 403, each refusal audited."""

from typing import Any

from kindred.planning.models import Objective, PlanVersion, ReadinessAssessment
from kindred.programs.access import ProgramRequest, get_scoped_or_404
from kindred.programs.permissions import Cap


def get_assessment_for(request: ProgramRequest, pk: Any) -> ReadinessAssessment:
    return get_scoped_or_404(request, ReadinessAssessment.objects.in_program(request.program), pk)


def get_objective_for(
    request: ProgramRequest, pk: Any, *, capability: str = Cap.PLANNING_EDIT
) -> Objective:
    return get_scoped_or_404(
        request,
        Objective.objects.select_related("plan").in_program(request.program),
        pk,
        capability=capability,
    )


def get_version_for(request: ProgramRequest, pk: Any) -> PlanVersion:
    return get_scoped_or_404(
        request,
        PlanVersion.objects.select_related("plan", "saved_by").in_program(request.program),
        pk,
    )
