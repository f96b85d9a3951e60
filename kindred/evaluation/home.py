"""The report card on the home page: this month's encounters and families reached (suppressed
below 11 for those who see aggregates only), with links to the report and the exports."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.encounters.models import Encounter
from kindred.lib import safe_harbor, summary
from kindred.lib.urls import url_for
from kindred.programs.access import current_program, has_any_capability, has_capability
from kindred.programs.models import Program
from kindred.programs.permissions import Cap


def _month_counts(program_id: int) -> dict[str, int]:
    from kindred.evaluation.measures import encounters, families_reached

    program = Program.objects.get(pk=program_id)
    today = timezone.localdate()
    start = today.replace(day=1)
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return {
        "encounters": int(encounters(program, start, end).value or 0),
        "families": int(families_reached(program, start, end).value or 0),
    }


summary.register(
    "evaluation", _month_counts, watch=[(Encounter, lambda encounter: encounter.program_id)]
)


def home_cards(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    if not has_any_capability(user, Cap.REPORTS_VIEW):
        return []
    program = current_program(request, Cap.REPORTS_VIEW)
    counts = summary.get("evaluation", [program.pk])[program.pk]
    exact = has_capability(user, program, Cap.REPORTS_EXACT)

    def shown(n: int) -> Any:
        return n if exact else safe_harbor.suppress(n)

    links = [{"label": _("Open the program report"), "url": url_for("evaluation:report")}]
    if has_capability(user, program, Cap.REPORTS_EXPORT) or has_capability(
        user, program, Cap.REPORTS_DEIDENTIFIED
    ):
        links.append({"label": _("Exports"), "url": url_for("evaluation:exports")})
    return [
        {
            "title": _("The program in numbers"),
            "text": _("This month: %(e)s encounters, %(f)s families reached.")
            % {"e": shown(counts["encounters"]), "f": shown(counts["families"])},
            "links": links,
        }
    ]
