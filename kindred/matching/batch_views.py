"""The batch matching page: run the optimal assignment of the backlog in the background,
review it, untick pairs, approve the rest in bulk (coordinators: MATCHING_MANAGE)."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from kindred.audit.log import record
from kindred.families.models import Family
from kindred.matching.models_batch import BatchRun
from kindred.matching.planning import approve_pairs, batch_families
from kindred.matching.tasks import run_batch
from kindred.mentors.models import Mentor
from kindred.programs.access import ProgramRequest, get_scoped_or_404, program_required
from kindred.programs.permissions import Cap

MAX_PAIRS_POSTED = 10_000


@require_http_methods(["GET", "POST"])
@program_required(Cap.MATCHING_MANAGE)
def batch(request: ProgramRequest) -> HttpResponse:
    if request.method == "POST":
        with transaction.atomic():
            run = BatchRun.objects.create(program=request.program, started_by=request.user)
            record(action="matching.batch.started", request=request, obj=run)
            transaction.on_commit(lambda: run_batch.enqueue(run.pk))
        return redirect("matching:batch_run", pk=run.pk)
    runs = BatchRun.objects.filter(program=request.program)[:5]
    return render(
        request,
        "matching/batch.html",
        {"runs": runs, "waiting": len(batch_families(request.program))},
    )


def _run_for(request: ProgramRequest, pk: int) -> BatchRun:
    return get_scoped_or_404(
        request,
        BatchRun.objects.filter(program=request.program).select_related("program"),
        pk,
        capability=Cap.MATCHING_MANAGE,
    )


def _small_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) < 12


@program_required(Cap.MATCHING_MANAGE)
def batch_run(request: ProgramRequest, pk: int) -> HttpResponse:
    return _page(request, _run_for(request, pk))


def _page(request: ProgramRequest, run: BatchRun, *, error: str = "", status: int = 200):
    families = Family.objects.in_bulk(
        [p["family"] for p in run.pairs] + [u["family"] for u in run.unmatched]
    )
    mentors = Mentor.objects.in_bulk([p["mentor"] for p in run.pairs])
    pairs = [
        {**p, "family_row": families.get(p["family"]), "mentor_row": mentors.get(p["mentor"])}
        for p in run.pairs
        if p["family"] in families and p["mentor"] in mentors
    ]
    unmatched = [
        {**u, "family_row": families[u["family"]]} for u in run.unmatched if u["family"] in families
    ]
    if run.done:  # the proposal names families: a read of health information
        record(
            action="matching.batch.viewed",
            request=request,
            obj=run,
            detail={"pairs": len(pairs), "unmatched": len(unmatched)},
        )
    return render(
        request,
        "matching/batch_run.html",
        {
            "run": run,
            "pairs": pairs,
            "unmatched": unmatched,
            "error": error,
            "kept": set(request.POST.getlist("pair")) if request.method == "POST" else None,
        },
        status=status,
    )


@require_POST
@program_required(Cap.MATCHING_MANAGE)
def batch_approve(request: ProgramRequest, pk: int) -> HttpResponse:
    run = _run_for(request, pk)
    if not run.done or run.approved_at is not None:
        messages.error(request, _("This proposal cannot be approved (not ready, or already done)."))
        return redirect("matching:batch_run", pk=run.pk)
    kept: set[tuple[int, int]] = set()
    for value in request.POST.getlist("pair")[:MAX_PAIRS_POSTED]:
        family, _sep, mentor = str(value).partition(":")
        if _small_id(family) and _small_id(mentor):
            kept.add((int(family), int(mentor)))
    if not kept:
        return _page(request, run, error=_("Tick at least one pair to approve."), status=400)
    made, problems = approve_pairs(run=run, kept=kept, by=request.user, request=request)
    record(
        action="matching.batch.approved",
        request=request,
        obj=run,
        detail={"kept": len(kept), "offered": len(made), "skipped": len(problems)},
    )
    if made:
        messages.success(
            request,
            ngettext(
                "%(n)d match approved and offered to its mentor.",
                "%(n)d matches approved and offered to their mentors.",
                len(made),
            )
            % {"n": len(made)},
        )
    for problem in problems:
        messages.warning(request, problem)
    return redirect("matching:batch_run", pk=run.pk)
