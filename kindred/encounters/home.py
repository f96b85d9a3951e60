"""Home-page card "Log a contact": a big button and the follow-ups due, overdue first. For a
mentor it is the first card of the page (priority 1, docs/architecture.md "Home cards"); a
coordinator, who logs contacts less often, gets it among the others. Two queries for a mentor
(the mentor record, the follow-ups), whatever the number of follow-ups; none for a coordinator
who is not one (the program's mentors' user ids come with the home summary)."""

from typing import Any, cast

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.encounters.mentor_views import pending_follow_ups
from kindred.lib import summary
from kindred.mentors.models import Mentor
from kindred.programs.access import current_program, has_any_capability
from kindred.programs.permissions import Cap

HOME_FOLLOW_UPS = 5
USER = "user:"  # "user:<user id>" = the id of that person's mentor record in the program


def _mentor_users(program_id: int) -> dict[str, int]:
    """Which signed-in people are mentors of the program (a home summary): a coordinator's
    home page then asks nothing to learn they are not one."""
    rows = Mentor.objects.filter(program_id=program_id, user__isnull=False).values_list(
        "user_id", "pk"
    )
    return {f"{USER}{user_id}": pk for user_id, pk in rows}


summary.register("mentor_users", _mentor_users, watch=[(Mentor, lambda m: m.program_id)])

MENTOR_PRIORITY = 1  # first: logging a contact is a mentor's most frequent task
OTHER_PRIORITY = 50


def home_cards(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    if not has_any_capability(user, Cap.ENCOUNTERS_LOG):
        return []
    program = current_program(request, Cap.ENCOUNTERS_LOG)
    today = timezone.localdate()
    mentor_id = summary.get("mentor_users", [program.pk])[program.pk].get(
        f"{USER}{cast(Any, user).pk}"
    )
    mentor = (
        Mentor.objects.filter(pk=mentor_id, program=program, user_id=cast(Any, user).pk).first()
        if mentor_id
        else None
    )
    rows = list(pending_follow_ups(mentor, user, today)[:HOME_FOLLOW_UPS]) if mentor else []
    return [
        {
            "title": _("Log a contact"),
            "priority": MENTOR_PRIORITY if mentor else OTHER_PRIORITY,
            "tone": "lead" if mentor else "",
            "template": "encounters/includes/home_card.html",
            "follow_ups": rows,
            "today": today,
            "is_mentor": mentor is not None,
        }
    ]
