"""Background work of matching (Tasks API): a batch matching run.

Immediate in development and tests (the run is computed when the request's transaction
commits); the database or RQ backend in production, so the page never waits for the solver.
"""

from django_tasks import task


@task()
def run_batch(run_id: int) -> None:
    from kindred.matching.planning import compute_batch

    compute_batch(run_id)
