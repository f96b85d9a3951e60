"""Home-page cards: for coordinators, the families waiting for a match and the overdue ones;
for mentors, the offers waiting for their answer and the fit checks due."""

from typing import Any, cast

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.families.models import Family
from kindred.lib import summary
from kindred.lib.urls import url_for
from kindred.matching.models import Match, MatchSettings
from kindred.matching.waiting import waiting_families
from kindred.programs.access import current_program, has_any_capability
from kindred.programs.models import Program
from kindred.programs.permissions import Cap
from kindred.referrals.models import Intake, Referral


def _waiting_counts(program_id: int) -> dict[str, int]:
    """The waiting list's two figures, kept as a home summary (kindred.lib.summary): the list
    reads every open intake of the program, too much for every home page. The overdue count
    moves with the clock: the summary's short expiry keeps it near."""
    rows = waiting_families(Program(pk=program_id), with_matches=False)
    return {"waiting": len(rows), "overdue": sum(1 for r in rows if r.overdue)}


summary.register(
    "matching_waiting",
    _waiting_counts,
    watch=[
        (Intake, lambda intake: intake.referral.program_id),
        (Referral, lambda referral: referral.program_id),
        (Match, lambda match: match.program_id),
        (Family, lambda family: family.program_id),
        (MatchSettings, lambda settings: settings.program_id),
    ],
)


def home_cards(request: HttpRequest) -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = []
    user = request.user
    if has_any_capability(user, Cap.MATCHING_VIEW):
        program = current_program(request, Cap.MATCHING_VIEW)
        counts = summary.get("matching_waiting", [program.pk])[program.pk]
        waiting, overdue = counts["waiting"], counts["overdue"]
        cards.append(
            {
                "title": _("Waiting for a match"),
                "priority": 20,
                "count": waiting,
                "tone": "attention" if overdue else "",
                "text": _("Families waiting: %(n)s. Past the match target: %(overdue)s.")
                % {"n": waiting, "overdue": overdue},
                "action": {"label": _("Open the waiting list"), "url": url_for("matching:waiting")},
            }
        )
    if has_any_capability(user, Cap.MATCH_SELF):
        mine = Match.objects.visible_to(user).filter(mentor__user=cast(Any, user))
        counts = mine.aggregate(
            families=Count("id", filter=Q(status="active")),
            offers=Count("id", filter=Q(status="offered")),
            fit=Count(
                "id",
                filter=Q(status="active", mentor_fit="", fit_check_due__lte=timezone.localdate()),
            ),
        )
        offers, fit_due = counts["offers"], counts["fit"]
        cards.append(
            {
                "title": _("My families"),
                # An offer waiting for the mentor's answer comes before their other work.
                "priority": 15 if offers or fit_due else 25,
                "count": counts["families"],
                "tone": "attention" if offers else "",
                "text": _("Offers waiting for your answer: %(n)s. Fit checks to answer: %(fit)s.")
                % {"n": offers, "fit": fit_due},
                "action": {"label": _("Open my offers"), "url": url_for("matching:offers")},
            }
        )
    return cards
