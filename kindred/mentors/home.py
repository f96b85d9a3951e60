"""Home-page cards: the mentor's own work; for coordinators, who is waiting on them."""

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kindred.lib import summary
from kindred.mentors.models import Escalation, Mentor, Qualification
from kindred.programs.access import current_program, has_any_capability, program_ids_with
from kindred.programs.permissions import Cap


def _roster_counts(program_id: int) -> dict[str, int]:
    soon = timezone.localdate() + timedelta(days=30)
    return {
        "applicants": Mentor.objects.filter(
            program_id=program_id, status=Mentor.Status.APPLICANT
        ).count(),
        "expiring": Mentor.objects.filter(
            program_id=program_id,
            status__in=["training", "active", "paused"],
            qualifications__expires_on__lte=soon,
        )
        .distinct()
        .count(),
    }


def _supervision_counts(program_id: int) -> dict[str, int]:
    return {"open": Escalation.objects.filter(program_id=program_id).open().count()}


summary.register(
    "mentors",
    _roster_counts,
    watch=[
        (Mentor, lambda mentor: mentor.program_id),
        (Qualification, lambda qualification: qualification.mentor.program_id),
    ],
)
summary.register(
    "supervision",
    _supervision_counts,
    watch=[(Escalation, lambda escalation: escalation.program_id)],
)


def home_cards(request: HttpRequest) -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = []
    user = request.user
    language = get_language() or "en"
    if has_any_capability(user, Cap.MENTOR_SELF):
        program = current_program(request, Cap.MENTOR_SELF)
        title = program.mentor_title_for(language)
        cards.append(
            {
                "title": _("My work as a %(title)s") % {"title": title},
                "text": _(
                    "Your families, trainings, qualifications to renew and a well-being check-in."
                ),
                "links": [{"label": _("Open my page"), "url": reverse("mentors:home")}],
            }
        )
    if has_any_capability(user, Cap.MENTORS_MANAGE):
        program = current_program(request, Cap.MENTORS_MANAGE)
        counts = summary.get("mentors", [program.pk])[program.pk]
        applicants, expiring = counts["applicants"], counts["expiring"]
        cards.append(
            {
                "title": program.mentor_title_for(language),
                "text": _(
                    "New applications: %(applicants)s. People with qualifications to renew: %(expiring)s."
                )
                % {"applicants": applicants, "expiring": expiring},
                "links": [
                    {
                        "label": _("New applications"),
                        "url": reverse("mentors:list") + "?status=applicant",
                    },
                    {
                        "label": _("Qualifications to renew"),
                        "url": reverse("mentors:list") + "?attention=qualifications",
                    },
                ],
            }
        )
    if has_any_capability(user, Cap.SUPERVISION):
        # Escalation.objects.visible_to(user): the programs where the person supervises.
        waiting = summary.total("supervision", program_ids_with(user, Cap.SUPERVISION)).get(
            "open", 0
        )
        if waiting:
            cards.append(
                {
                    "title": _("Supervision"),
                    "text": _("Escalations waiting for a supervisor: %(n)s.") % {"n": waiting},
                    "links": [
                        {"label": _("Open the queue"), "url": reverse("mentors:supervision")}
                    ],
                }
            )
    return cards
