"""The coordinator's home card: answers in the last 30 days and the response rate."""

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.lib import summary
from kindred.lib.urls import url_for
from kindred.programs.access import current_program, has_any_capability
from kindred.programs.permissions import Cap
from kindred.surveys.models import Invitation

PART = "surveys"


def _counts(program_id: int) -> dict[str, int]:
    since = timezone.now() - timedelta(days=30)
    found = Invitation.objects.filter(program_id=program_id, created_at__gte=since).aggregate(
        sent=Count("pk"),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        declined=Count("pk", filter=Q(declined_at__isnull=False)),
    )
    return {k: v or 0 for k, v in found.items()}


summary.register(PART, _counts, watch=[(Invitation, lambda row: row.program_id)])


def home_cards(request: HttpRequest) -> list[dict[str, Any]]:
    if not has_any_capability(request.user, Cap.SURVEYS_MANAGE):
        return []
    program = current_program(request, Cap.SURVEYS_MANAGE)
    counts = summary.get(PART, [program.pk]).get(program.pk, {})
    sent, answered = counts.get("sent", 0), counts.get("answered", 0)
    rate = f"{round(100 * answered / sent)}%" if sent else "—"
    return [
        {
            "title": _("Feedback from families and mentors"),
            "text": _(
                "Last 30 days: %(sent)s surveys sent, %(answered)s answered (%(rate)s), "
                "%(declined)s declined."
            )
            % {
                "sent": sent,
                "answered": answered,
                "rate": rate,
                "declined": counts.get("declined", 0),
            },
            "links": [{"label": _("Open the surveys"), "url": url_for("surveys:list")}],
        }
    ]
