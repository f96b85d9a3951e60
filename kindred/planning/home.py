"""The coordinator's home card: the plan's objectives off target this year.

The figures are the measures' own (a measure runs for each objective), so the counts are kept
as a home summary (`kindred.lib.summary`): computed at most every 30 seconds per program."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kindred.lib import summary
from kindred.lib.urls import url_for
from kindred.planning.live import objective_statuses, this_year
from kindred.planning.models import Objective, ProgramPlan
from kindred.programs.access import current_program, has_any_capability
from kindred.programs.models import Program
from kindred.programs.permissions import Cap

OFF = "off:"  # a summary key per objective off target: "off:<objective id>"


def _counts(program_id: int) -> dict[str, Any]:
    plan = ProgramPlan.objects.filter(program_id=program_id).first()
    if plan is None:
        return {"objectives": 0, "off_target": 0}
    program = Program.objects.get(pk=program_id)
    statuses = objective_statuses(program, list(plan.objectives.all()), this_year(), by_month=False)
    off = [s.objective.pk for s in statuses if s.state == "off_target"]
    # The card's titles, in the plan's order, come with the counts (no query on a warm page).
    titles = list(
        Objective.objects.filter(pk__in=off, plan=plan)
        .order_by("position", "id")
        .values_list("title", flat=True)
    )
    return {
        "objectives": len(statuses),
        "off_target": len(off),
        "titles": titles,
        **{f"{OFF}{pk}": 1 for pk in off},
    }


summary.register(
    "planning", _counts, watch=[(Objective, lambda objective: objective.plan.program_id)]
)


def home_cards(request: HttpRequest) -> list[dict[str, Any]]:
    if not has_any_capability(request.user, Cap.PLANNING_EDIT):
        return []
    program = current_program(request, Cap.PLANNING_EDIT)
    counts = summary.get("planning", [program.pk])[program.pk]
    if not counts.get("objectives"):
        return []
    titles = counts.get("titles", [])
    plan_url = url_for("planning:plan")
    if not titles:
        text = _("Every objective of the plan with a figure this year is on target.")
    else:
        text = ngettext(
            "%(n)s of %(total)s objectives is off target this year:",
            "%(n)s of %(total)s objectives are off target this year:",
            len(titles),
        ) % {"n": len(titles), "total": counts["objectives"]}
    return [
        {
            "title": _("Program plan"),
            "text": text,
            "links": [
                *({"label": title, "url": plan_url} for title in titles),
                {"label": _("The plan and its objectives"), "url": plan_url},
            ],
        }
    ]
