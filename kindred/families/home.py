"""The families card on the home page: the current program's open records and the next steps."""

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.translation import gettext as _

from kindred.families.models import Family
from kindred.lib import summary
from kindred.lib.urls import url_for
from kindred.programs.access import current_program, has_capability
from kindred.programs.permissions import Cap


def _counts(program_id: int) -> dict[str, int]:
    return Family.objects.filter(program_id=program_id).aggregate(
        active=Count("pk", filter=Q(status=Family.Status.ACTIVE)),
        closed=Count("pk", filter=Q(status=Family.Status.CLOSED)),
    )


summary.register("families", _counts, watch=[(Family, lambda family: family.program_id)])


def home_cards(request: HttpRequest) -> list[dict[str, Any]]:
    try:
        program = current_program(request, Cap.FAMILIES_VIEW)
    except Exception:  # noqa: BLE001 - no program with families: no card
        return []
    counts = summary.get("families", [program.pk])[program.pk]
    links = [{"label": _("Find a family"), "url": url_for("families:list")}]
    if has_capability(request.user, program, Cap.FAMILIES_EDIT):
        links.append({"label": _("Add a family"), "url": url_for("families:create")})
    if has_capability(request.user, program, Cap.FAMILIES_IMPORT_EXPORT):
        links.append(
            {"label": _("Import families from a spreadsheet"), "url": url_for("families:import")}
        )
    # The count is what it says: open records, not families "supported" (matching says who is).
    find, *more = links
    return [
        {
            "title": _("Families"),
            "priority": 70,
            "count": counts["active"],
            "text": _("%(active)s open family records, %(closed)s closed, in %(program)s.")
            % {"active": counts["active"], "closed": counts["closed"], "program": program.name},
            "links": more,
            "action": find,
        }
    ]
