"""Home-page card "Log a contact": a big button and the follow-ups due, overdue first. For a
mentor it is the first card of the page (priority 1, docs/architecture.md "Home cards"); a
coordinator, who logs contacts less often, gets it among the others. Two queries (the mentor
record, the follow-ups), whatever the number of follow-ups."""

from typing import Any, cast

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.encounters.mentor_views import pending_follow_ups
from kindred.mentors.models import Mentor
from kindred.programs.access import current_program, has_any_capability
from kindred.programs.permissions import Cap

HOME_FOLLOW_UPS = 5
MENTOR_PRIORITY = 1  # first: logging a contact is a mentor's most frequent task
OTHER_PRIORITY = 50


def home_cards(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    if not has_any_capability(user, Cap.ENCOUNTERS_LOG):
        return []
    program = current_program(request, Cap.ENCOUNTERS_LOG)
    today = timezone.localdate()
    mentor = Mentor.objects.filter(program=program, user_id=cast(Any, user).pk).first()
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
