"""Background work of families (Tasks API): a spreadsheet import.

Immediate in development and tests (the import runs when the request's transaction commits);
the database or RQ backend in production, so a 20,000-row file never runs inside a request.
"""

from django_tasks import task


@task()
def run_family_import(import_id: int) -> None:
    from kindred.families.import_jobs import run

    run(import_id)
