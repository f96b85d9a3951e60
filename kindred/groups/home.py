"""Home-page cards: for coordinators the next sessions and waitlists; for mentors the groups
they lead."""

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.groups.models import SupportGroup
from kindred.groups.schedule import occurrence_key, occurrences
from kindred.programs.access import current_program, has_any_capability
from kindred.programs.permissions import Cap


def home_cards(request: HttpRequest) -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = []
    user = request.user
    now = timezone.now()
    if has_any_capability(user, Cap.GROUPS_MANAGE):
        program = current_program(request, Cap.GROUPS_MANAGE)
        groups = list(
            SupportGroup.objects.filter(program=program, status="published").annotate(
                waiting=Count("registrations", filter=Q(registrations__status="waitlisted"))
            )
        )
        upcoming = occurrences(groups, now, now + timedelta(days=14), include_cancelled=False)[:5]
        links = [
            {
                "label": f"{o.group.name}: {timezone.localtime(o.starts_at):%d/%m %H:%M}",
                "url": reverse(
                    "groups:session", args=[o.group.pk, occurrence_key(o.recurrence_id)]
                ),
            }
            for o in upcoming
        ]
        waiting = sum(getattr(g, "waiting", 0) for g in groups)  # the Count annotation above
        cards.append(
            {
                "title": _("Support groups"),
                "text": _("%(n)s sessions in the next two weeks; %(w)s families on waitlists.")
                % {"n": len(upcoming), "w": waiting},
                "links": [*links, {"label": _("All groups"), "url": reverse("groups:list")}],
            }
        )
    elif has_any_capability(user, Cap.GROUPS_FACILITATE):
        program = current_program(request, Cap.GROUPS_FACILITATE)
        groups = list(
            SupportGroup.objects.filter(program=program)
            .exclude(status="ended")
            .filter(Q(facilitators__user=user) | Q(facilitators__mentor__user=user))
            .distinct()
        )
        if groups:
            cards.append(
                {
                    "title": _("The groups I lead"),
                    "text": _("Take attendance from the session's page, on your phone."),
                    "links": [
                        {"label": g.name, "url": reverse("groups:detail", args=[g.pk])}
                        for g in groups
                    ],
                }
            )
    return cards
