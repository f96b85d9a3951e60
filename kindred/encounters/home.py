"""Home-page card for a mentor: the follow-ups due, overdue first, and a big "Log a contact"
button. Two queries (the mentor record, the follow-ups), whatever the number of follow-ups."""

from typing import Any, cast

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.encounters.mentor_views import pending_follow_ups
from kindred.mentors.models import Mentor
from kindred.programs.access import current_program, has_any_capability
from kindred.programs.permissions import Cap

HOME_FOLLOW_UPS = 5


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
            "title": _("Contacts and follow-ups"),
            "template": "encounters/includes/home_card.html",
            "follow_ups": rows,
            "today": today,
        }
    ]
