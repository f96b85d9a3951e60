"""A family import as a background job: started from the review page, run by a task.

`start_import` (spreadsheet_views.py) moves the job to "importing" and enqueues the task once
that is committed; `run` (the task) checks every row, then writes them all and moves the job to "imported" in one transaction,
so the rows and the job's status are saved together or not at all. A full check that finds rows
to fix moves the job back to "uploaded" with them (nothing written); a crash moves it to
"failed" (nothing written). Progress: the checking half is saved on the job as it goes; the
writing half happens inside the rows' transaction, invisible to other connections, so it is
published through the shared cache.
"""

import contextlib
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from kindred.audit.states import TransitionError
from kindred.families import importer
from kindred.families.models import FamilyImport

logger = logging.getLogger(__name__)

MAX_ERRORS_KEPT = 200
# Of the whole job: checking the rows is the first half, writing them the second.
STAGES = {"families": 0.75, "people": 0.9, "done": 0.99}


def stuck_after() -> timedelta:
    """How long an import may stay "importing" before the page offers to start it again (the
    worker that ran it may have stopped). 20,000 rows take a few minutes."""
    return timedelta(minutes=getattr(settings, "FAMILY_IMPORT_STUCK_MINUTES", 30))


def is_stuck(job: FamilyImport) -> bool:
    """Still "importing" long after it started: its task is probably lost."""
    if job.status != FamilyImport.Status.IMPORTING:
        return False
    started = job.transitions.filter(to_status=FamilyImport.Status.IMPORTING).order_by("-at")
    last = started.values_list("at", flat=True).first()
    return last is not None and timezone.now() - last > stuck_after()


def release_stuck(job: FamilyImport, *, by: Any, request: Any) -> None:
    """Back to review, nothing written, so the coordinator can start it again. Safe even if the
    lost task wakes up: its final transition then fails and its rows roll back with it.
    TransitionError if the job is not importing any more."""
    job.transition(
        to=FamilyImport.Status.UPLOADED,
        by=by,
        request=request,
        detail={"reason": "stuck"},
        check_errors=[],
        error_count=0,
    )


def _cache_key(import_id: int) -> str:
    return f"families:import:{import_id}:progress"


def progress_of(job: FamilyImport) -> float:
    """The job's share done, from the job row or, while it writes, from the cache."""
    if job.status != FamilyImport.Status.IMPORTING:
        return job.progress
    published = cache.get(_cache_key(job.pk))
    return max(job.progress, float(published or 0.0))


def run(import_id: int) -> None:
    job = FamilyImport.objects.select_related("program", "uploaded_by").filter(pk=import_id).first()
    if job is None or job.status != FamilyImport.Status.IMPORTING:
        return  # abandoned meanwhile, or a second delivery of the same task
    started = (
        job.transitions.filter(to_status=FamilyImport.Status.IMPORTING).order_by("-at").first()
    )
    by = (started.by if started else None) or job.uploaded_by
    try:
        headers, rows = importer.read_table(job.filename, bytes(job.content))
        total = max(len(rows), 1)

        def checked(done: int) -> None:
            FamilyImport.objects.filter(pk=job.pk).update(progress=0.5 * done / total)

        preview = importer.validate(
            program=job.program,
            headers=headers,
            rows=rows,
            mapping=job.mapping,
            progress=checked,
        )
        if not preview.ok:
            job.transition(
                to=FamilyImport.Status.UPLOADED,
                by=by,
                detail={"errors": len(preview.errors)},
                check_errors=[[n, p] for n, p in sorted(preview.errors.items())][:MAX_ERRORS_KEPT],
                error_count=len(preview.errors),
            )
            return

        def written(stage: str, count: int) -> None:
            cache.set(_cache_key(job.pk), STAGES.get(stage, 0.5), 3600)

        with transaction.atomic():
            count = importer.import_rows(
                program=job.program,
                preview=preview,
                by=by,
                import_id=job.pk,
                progress=written,
            )
            # The job's end with its rows: a second run finds it imported and rolls back.
            job.transition(
                to=FamilyImport.Status.IMPORTED,
                by=by,
                detail={"count": count},
                imported_count=count,
            )
    except TransitionError:
        logger.info("family import %s ended by someone else meanwhile", import_id)
    except Exception:
        logger.exception("family import %s failed", import_id)
        with contextlib.suppress(TransitionError):  # ended by someone else meanwhile
            FamilyImport.objects.get(pk=import_id).transition(to=FamilyImport.Status.FAILED, by=by)
    finally:
        cache.delete(_cache_key(import_id))
