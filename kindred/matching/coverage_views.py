"""Roster coverage: the needs the current roster cannot meet well, the program's recruiting
guide (issue 10). Coordinators only; it counts families by need (no names)."""

from django.http import HttpResponse
from django.shortcuts import render

from kindred.audit.log import record
from kindred.matching.planning import coverage_gaps
from kindred.programs.access import ProgramRequest, program_required
from kindred.programs.permissions import Cap


@program_required(Cap.MATCHING_MANAGE)
def coverage_page(request: ProgramRequest) -> HttpResponse:
    gaps, families = coverage_gaps(request.program)
    record(
        action="matching.coverage.viewed",
        request=request,
        program=request.program,
        detail={"families": families, "gaps": len(gaps)},
    )
    return render(
        request,
        "matching/coverage.html",
        {"gaps": gaps[:50], "more": max(0, len(gaps) - 50), "families": families},
    )
