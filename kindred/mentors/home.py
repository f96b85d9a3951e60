"""Home-page cards: the mentor's own work; for coordinators, who is waiting on them."""

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kindred.mentors.models import Escalation, Mentor
from kindred.programs.access import current_program, has_any_capability
from kindred.programs.permissions import Cap


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
        soon = timezone.localdate() + timedelta(days=30)
        applicants = Mentor.objects.filter(program=program, status=Mentor.Status.APPLICANT).count()
        expiring = (
            Mentor.objects.filter(
                program=program,
                status__in=["training", "active", "paused"],
                qualifications__expires_on__lte=soon,
            )
            .distinct()
            .count()
        )
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
        waiting = Escalation.objects.visible_to(user).open().count()
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
