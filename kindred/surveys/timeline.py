"""The family's story: the surveys it was asked (how: e-mail, letter or phone) and when it
answered or said no. Only for those who read survey results in the family's program; never the
answers themselves (those stay on the results pages)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from kindred.families.timeline import TimelineEntry
from kindred.programs.access import has_capability
from kindred.programs.permissions import Cap
from kindred.surveys.models import Channel, Invitation


def timeline_entries(family: Any, request: Any) -> list[TimelineEntry]:
    user = getattr(request, "user", None)
    if not has_capability(user, family.program_id, Cap.SURVEYS_VIEW):
        return []
    sent: dict[str, str] = {
        Channel.EMAIL.value: _("Asked a survey by e-mail"),
        Channel.LETTER.value: _("Sent a survey by letter, with a code"),
        Channel.PHONE.value: _("Asked a survey on a phone call"),
    }
    entries = []
    rows = (
        Invitation.objects.filter(family=family, program_id=family.program_id)
        .select_related("survey", "sent_by", "response__entered_by")
        .order_by("created_at", "id")
    )
    for invitation in rows:
        survey = invitation.survey
        url = reverse("surveys:detail", args=[survey.pk])
        occasion = invitation.get_occasion_display()
        entries.append(
            TimelineEntry(
                invitation.created_at,
                "survey",
                sent.get(invitation.channel, sent[Channel.EMAIL.value]),
                f"{survey.title} · {occasion}",
                url=url,
                by=str(invitation.sent_by or ""),
            )
        )
        response = getattr(invitation, "response", None)
        if response is not None:
            entries.append(
                TimelineEntry(
                    response.submitted_at,
                    "survey_answered",
                    _("Answered a survey (entered from a call)")
                    if response.entered_by_id
                    else _("Answered a survey"),
                    survey.title,
                    url=url,
                    by=str(response.entered_by or ""),
                )
            )
        elif invitation.declined_at:
            entries.append(
                TimelineEntry(
                    invitation.declined_at,
                    "survey_declined",
                    _("Said no to a survey"),
                    survey.title,
                )
            )
    return entries
