"""The batch and coverage pages in the permission walk (imported by tests/walk.py): the
program's coordinators only; an outsider's own program has its own pages, a run of program A
is 404 to them; supervisors, mentors, referrers and evaluators are refused."""

from django.utils import timezone

from kindred.core.testing.walk import Route

CURRENT_MANAGE = {"coordinator", "outsider"}


def _run(world) -> dict:
    """A finished run of program A proposing the walk's canary family (made once)."""
    from kindred.matching.models_batch import BatchRun

    run = world.objects.get("batch_run")
    if run is None:
        run = BatchRun.objects.create(
            program=world.program_a,
            started_by=world.coordinator,
            finished_at=timezone.now(),
            progress=1.0,
            families=2,
            pairs=[
                {
                    "family": world.objects["match_family"].pk,
                    "mentor": world.objects["match_other"].pk,
                    "score": 50,
                }
            ],
            unmatched=[],
        )
        world.objects["batch_run"] = run
    return {"pk": run.pk}


ROUTES = [
    Route("matching:batch", allowed=CURRENT_MANAGE),
    Route("matching:batch", allowed=CURRENT_MANAGE, method="POST", ok_status=frozenset({302})),
    Route("matching:batch_run", allowed={"coordinator"}, kwargs=_run, not_found={"outsider"}),
    Route(
        "matching:batch_approve",
        allowed={"coordinator"},
        kwargs=_run,
        method="POST",
        data=lambda w: {"pair": ["0:0"]},
        ok_status=frozenset({302}),
        not_found={"outsider"},
    ),
    Route("matching:coverage", allowed=CURRENT_MANAGE),
]
