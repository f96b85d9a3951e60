"""Home-page cards: for coordinators, the families waiting for a match and the overdue ones;
for mentors, the offers waiting for their answer and the fit checks due."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.matching.models import Match
from kindred.matching.waiting import waiting_families
from kindred.programs.access import current_program, has_any_capability
from kindred.programs.permissions import Cap


def home_cards(request: HttpRequest) -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = []
    user = request.user
    if has_any_capability(user, Cap.MATCHING_VIEW):
        program = current_program(request, Cap.MATCHING_VIEW)
        rows = waiting_families(program, with_matches=False)
        overdue = sum(1 for r in rows if r.overdue)
        cards.append(
            {
                "title": _("Waiting for a match"),
                "text": _("Families waiting: %(n)s. Past the match target: %(overdue)s.")
                % {"n": len(rows), "overdue": overdue},
                "links": [
                    {"label": _("Open the waiting list"), "url": reverse("matching:waiting")}
                ],
            }
        )
    if has_any_capability(user, Cap.MATCH_SELF):
        mine = Match.objects.visible_to(user).filter(mentor__user=user)
        offers = mine.filter(status="offered").count()
        fit_due = mine.filter(
            status="active", mentor_fit="", fit_check_due__lte=timezone.localdate()
        ).count()
        cards.append(
            {
                "title": _("My offers"),
                "text": _("Offers waiting for your answer: %(n)s. Fit checks to answer: %(fit)s.")
                % {"n": offers, "fit": fit_due},
                "links": [{"label": _("Open my offers"), "url": reverse("matching:offers")}],
            }
        )
    return cards
