"""The mentors' part of the home page's work list: the mentor's own work and what is due for
them; for supervisors, open escalations first, then check-ins that ask for attention; for
coordinators, qualifications to renew and new applications."""

from datetime import timedelta
from typing import Any, cast

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kindred.lib import summary
from kindred.lib.urls import url_for
from kindred.mentors.models import (
    Escalation,
    Mentor,
    Qualification,
    QualificationType,
    SupervisionSession,
    WellbeingCheckIn,
)
from kindred.programs.access import current_program, has_any_capability, program_ids_with
from kindred.programs.permissions import Cap

SHOWN = 5
EXPIRING_DAYS = 30  # as the roster's "qualifications to renew" (mentors/views.py)
STATE_BADGES = {
    "expired": ("bad", gettext_lazy("Expired")),
    "expiring": ("warn", gettext_lazy("Expiring")),
    "missing": ("bad", gettext_lazy("Missing")),
}


def _roster_counts(program_id: int) -> dict[str, Any]:
    soon = timezone.localdate() + timedelta(days=EXPIRING_DAYS)
    first = (
        Qualification.objects.filter(
            mentor__program_id=program_id,
            mentor__status__in=["training", "active", "paused"],
            expires_on__lte=soon,
        )
        .order_by("expires_on", "id")
        .values_list("mentor_id", "mentor__full_name", "type__name", "expires_on")[:SHOWN]
    )
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
        # The card's first qualifications to renew (no query for them on a warm home page).
        "renew": list(first),
    }


# Peer support practice: each active mentor is supervised (alone or in a group) about monthly.
SUPERVISION_DUE_DAYS = 30


def _supervision_counts(program_id: int) -> dict[str, int]:
    escalations = Escalation.objects.filter(program_id=program_id).open()
    counts = escalations.aggregate(
        open=Count("id"), urgent=Count("id", filter=Q(severity=Escalation.Severity.URGENT))
    )
    # WellbeingCheckIn.needs_attention, in SQL.
    counts["checkins"] = WellbeingCheckIn.objects.filter(
        Q(wants_to_talk=True) | Q(score__lte=2) | Q(workload=WellbeingCheckIn.Workload.TOO_MUCH),
        mentor__program_id=program_id,
        seen_at__isnull=True,
    ).count()
    since = timezone.localdate() - timedelta(days=SUPERVISION_DUE_DAYS)
    counts["due"] = (
        Mentor.objects.filter(program_id=program_id, status=Mentor.Status.ACTIVE)
        .exclude(supervision_sessions__held_on__gte=since)
        .count()
    )
    return counts


summary.register(
    "mentors",
    _roster_counts,
    watch=[
        (Mentor, lambda mentor: mentor.program_id),
        (Qualification, lambda qualification: qualification.mentor.program_id),
        (QualificationType, lambda qualification_type: qualification_type.program_id),
    ],
)
summary.register(
    "supervision",
    _supervision_counts,
    watch=[
        (Escalation, lambda escalation: escalation.program_id),
        (WellbeingCheckIn, lambda checkin: checkin.mentor.program_id),
        (SupervisionSession, lambda session: session.program_id),
        (Mentor, lambda mentor: mentor.program_id),
    ],
)


def _own_card(request: HttpRequest) -> dict[str, Any] | None:
    from kindred.mentors.views import qualification_states

    program = current_program(request, Cap.MENTOR_SELF)
    title = program.mentor_title_for(get_language() or "en")
    mentor = Mentor.objects.filter(program=program, user=cast(Any, request.user)).first()
    items = []
    if mentor is not None:
        today = timezone.localdate()
        for state in qualification_states([mentor], today).get(mentor.pk, []):
            if state["state"] in STATE_BADGES:
                latest = state["latest"]
                items.append(
                    {
                        "label": state["type"].name,
                        "badge": STATE_BADGES[state["state"]],
                        "note": _("until %(date)s")
                        % {"date": latest.expires_on.strftime("%d/%m/%Y")}
                        if latest is not None and latest.expires_on
                        else "",
                    }
                )
    return {
        "title": _("My work as a %(title)s") % {"title": title},
        # Encounters puts "Log a contact" above (priority 1-9); see docs/architecture.md.
        "priority": 20,
        "count": len(items) or None,
        "text": _("Qualifications and trainings due:")
        if items
        else _("Your families, trainings, qualifications to renew and a well-being check-in."),
        "entries": items,
        "action": {"label": _("Open my page"), "url": url_for("mentors:home")},
    }


def _roster_cards(request: HttpRequest) -> list[dict[str, Any]]:
    program = current_program(request, Cap.MENTORS_MANAGE)
    counts = summary.get("mentors", [program.pk])[program.pk]
    applicants, expiring = counts["applicants"], counts["expiring"]
    items = []
    today = timezone.localdate()
    for mentor_id, full_name, type_name, expires_on in counts.get("renew", []) if expiring else []:
        past = expires_on is not None and expires_on < today
        items.append(
            {
                "label": full_name,
                "url": url_for("mentors:detail", mentor_id),
                "badge": ("bad", _("Expired")) if past else ("warn", _("Expiring")),
                "note": f"{type_name} · {expires_on:%d/%m/%Y}",
            }
        )
    cards = [
        {
            "title": _("Qualifications to renew"),
            "priority": 40,
            "count": expiring,
            "entries": items,
            "text": "" if expiring else _("Every qualification is valid for 30 days or more."),
            "action": {
                "label": _("Qualifications to renew"),
                "url": url_for("mentors:list") + "?attention=qualifications",
            },
        }
    ]
    if applicants:
        title = program.mentor_title_for(get_language() or "en")
        cards.append(
            {
                "title": _("New applications"),
                "priority": 45,
                "count": applicants,
                "text": _("People who applied to become a %(title)s.") % {"title": title},
                "action": {
                    "label": _("Review the applications"),
                    "url": url_for("mentors:list") + "?status=applicant",
                },
            }
        )
    return cards


def _supervision_cards(user: Any, *, lead: bool) -> list[dict[str, Any]]:
    # Escalation.objects.visible_to(user): the programs where the person supervises.
    counts = summary.total("supervision", program_ids_with(user, Cap.SUPERVISION))
    waiting, urgent, checkins, due = (
        counts.get(k, 0) for k in ("open", "urgent", "checkins", "due")
    )
    # A supervisor's page opens with them; a coordinator's with the referrals.
    base = 5 if lead else 15
    url = url_for("mentors:supervision")
    cards = [
        {
            "title": _("Open escalations"),
            "priority": base,
            "count": waiting,
            "tone": "attention" if urgent else "",
            "text": _("%(urgent)s of them urgent (a safety concern).") % {"urgent": urgent}
            if waiting
            else _("No escalation is waiting for a supervisor."),
            "action": {"label": _("Open the supervision queue"), "url": url},
        }
    ]
    if checkins or lead:
        cards.append(
            {
                "title": _("Check-ins asking for attention"),
                "priority": base + 1,
                "count": checkins,
                "text": _("Mentors who asked to talk, feel low, or have too much right now.")
                if checkins
                else _("No check-in is waiting."),
                "action": {"label": _("Read the check-ins"), "url": url + "#checkins-heading"},
            }
        )
    if due or lead:
        cards.append(
            {
                "title": _("Supervision due"),
                "priority": base + 2,
                "count": due,
                "text": _("Active mentors with no supervision session in the last %(days)s days.")
                % {"days": SUPERVISION_DUE_DAYS}
                if due
                else _("Every active mentor was supervised in the last %(days)s days.")
                % {"days": SUPERVISION_DUE_DAYS},
                "action": {
                    "label": _("Record a supervision session"),
                    "url": url_for("mentors:session_new"),
                },
            }
        )
    return cards


def home_cards(request: HttpRequest) -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = []
    user = request.user
    if has_any_capability(user, Cap.MENTOR_SELF):
        own = _own_card(request)
        if own:
            cards.append(own)
    manages = has_any_capability(user, Cap.MENTORS_MANAGE)
    if manages:
        cards.extend(_roster_cards(request))
    if has_any_capability(user, Cap.SUPERVISION):
        cards.extend(_supervision_cards(user, lead=not manages))
    return cards
