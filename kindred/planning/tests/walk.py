from kindred.core.testing.walk import Route

EDITORS = {"coordinator", "supervisor"}
READERS = EDITORS | {"evaluator"}
# Pages of "the current program": the outsider (coordinator of program B) sees B's own.
CURRENT_READ = READERS | {"outsider"}
CURRENT_EDIT = EDITORS | {"outsider"}
REDIRECT = frozenset({302})


def setup(world) -> None:
    from decimal import Decimal

    from kindred.planning.models import Objective
    from kindred.planning.services import (
        assessment_answer,
        assessment_start,
        objective_save,
        plan_for,
        plan_save,
    )

    plan = plan_for(world.program_a)
    plan_save(plan=plan, data={"mission": "Plancanary mission"}, by=world.coordinator)
    objective = objective_save(
        objective=Objective(
            plan=plan, title="Plancanary objective", measure_key="x.y", target=Decimal(5)
        ),
        by=world.coordinator,
        fields=["title"],
    )
    assessment = assessment_start(program=world.program_a, by=world.coordinator)
    assessment_answer(
        assessment=assessment,
        answers={"leadership.sponsor": ("in_place", "Plancanary note")},
        by=world.coordinator,
    )
    world.objects.update(
        {
            "plan_version": plan.versions.order_by("number").first(),
            "objective": objective,
            "assessment": assessment,
        }
    )
    world.objects.setdefault("canaries", []).extend(["Plancanary"])


def _pk(name: str):
    return lambda w: {"pk": w.objects[name].pk}


ROUTES = [
    Route("planning:plan", allowed=CURRENT_READ),
    Route("planning:plan_edit", allowed=CURRENT_EDIT),
    Route("planning:plan_pdf", allowed=CURRENT_READ),
    Route("planning:versions", allowed=CURRENT_READ),
    Route("planning:version", allowed=READERS, kwargs=_pk("plan_version"), not_found={"outsider"}),
    Route("planning:objective_new", allowed=CURRENT_EDIT),
    Route(
        "planning:objective_edit",
        allowed=EDITORS,
        kwargs=_pk("objective"),
        not_found={"outsider"},
    ),
    Route(
        "planning:objective_remove",
        allowed=EDITORS,
        kwargs=_pk("objective"),
        method="POST",
        ok_status=REDIRECT,
        not_found={"outsider"},
    ),
    Route("planning:readiness", allowed=CURRENT_EDIT),
    Route("planning:readiness_start", allowed=CURRENT_EDIT, method="POST", ok_status=REDIRECT),
    Route("planning:readiness_compare", allowed=CURRENT_EDIT),
    Route("planning:assessment", allowed=EDITORS, kwargs=_pk("assessment"), not_found={"outsider"}),
]
