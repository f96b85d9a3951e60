"""The program plan as a PDF (WeasyPrint, as the directory's resource folder): the plan's own
text, the facts from the program's settings, and the objectives with this year's figures."""

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from kindred.planning.live import Period, format_value, objective_statuses
from kindred.planning.models import ProgramPlan
from kindred.planning.sections import plan_sections


def plan_html(*, program: Any, plan: ProgramPlan, period: Period, language: str) -> str:
    with translation.override(language):
        objectives = list(plan.objectives.all()) if plan.pk else []
        statuses = objective_statuses(program, objectives, period, by_month=False)
        rows = [
            {
                "status": s,
                "value": format_value(
                    s.value.value if s.value else None, s.measure.unit if s.measure else ""
                ),
                "target": format_value(
                    float(s.objective.target), s.measure.unit if s.measure else ""
                ),
            }
            for s in statuses
        ]
        return render_to_string(
            "planning/plan_pdf.html",
            {
                "program": program,
                "plan": plan,
                "sections": plan_sections(plan, program),
                "rows": rows,
                "period": period,
                "language": language,
                "today": timezone.localdate(),
            },
        )


def plan_pdf(*, program: Any, plan: ProgramPlan, period: Period, language: str) -> bytes:
    from weasyprint import HTML

    # No base URL: the plan loads nothing from outside.
    return HTML(
        string=plan_html(program=program, plan=plan, period=period, language=language)
    ).write_pdf()
