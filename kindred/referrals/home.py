"""The referrals' part of the home page's work list: for staff, the referrals whose first
contact is overdue or due soon (the queue's top); for referrers, their referrals with their
status and "Refer a family"; for evaluators, the program's numbers; for everyone, the unread
notifications."""

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kindred.lib import summary
from kindred.lib.urls import url_for
from kindred.programs.access import current_program, has_any_capability, program_ids_with
from kindred.programs.permissions import Cap
from kindred.referrals import dashboard
from kindred.referrals.deadlines import DUE_SOON_HOURS, urgency_of
from kindred.referrals.models import Referral, reference_of
from kindred.referrals.notifications import unread_count

SHOWN = 5
BADGES = {
    "overdue": ("overdue", gettext_lazy("Overdue")),
    "due-soon": ("due-soon", gettext_lazy("Due soon")),
    "on-time": ("ok", gettext_lazy("On time")),
}


URGENT = "urgent:"  # a summary key per referral shown on the card: "urgent:<id>" = its due time


def _counts(program_id: int) -> dict[str, int]:
    now = timezone.now()
    waiting = Referral.objects.filter(program_id=program_id).awaiting_first_contact()
    counts: dict[str, int] = waiting.aggregate(
        new=Count("id"),
        overdue=Count("id", filter=Q(due_at__lte=now)),
        due_soon=Count(
            "id", filter=Q(due_at__gt=now, due_at__lte=now + timedelta(hours=DUE_SOON_HOURS))
        ),
    )
    # The card's first referrals (a reference and a due time each, no name) come with the
    # counts, so a warm home page runs no query for them.
    urgent = (
        waiting.filter(due_at__lte=now + timedelta(hours=DUE_SOON_HOURS))
        .order_by("due_at", "id")
        .values_list("id", "due_at")[:SHOWN]
    )
    counts.update({f"{URGENT}{pk}": int(due.timestamp()) for pk, due in urgent})
    return counts


def _numbers(program_id: int) -> dict[str, int]:
    """The referral dashboard's headline figures (-1: not known yet)."""
    from kindred.programs.models import Program

    data = dashboard.numbers(Program(pk=program_id))
    pct = data.get("within_target_pct")
    median = data.get("median_hours")
    return {
        "referred": data["referred"],
        "contacted": data["contacted"],
        "supported": data["supported"],
        "active": data["active"],
        "within_target_pct": -1 if pct is None else int(pct),
        "median_minutes": -1 if median is None else round(median * 60),
    }


summary.register("referrals", _counts, watch=[(Referral, lambda referral: referral.program_id)])
summary.register(
    "referral_numbers", _numbers, watch=[(Referral, lambda referral: referral.program_id)]
)


def _hours(minutes: int) -> str:
    if minutes < 0:
        return "—"
    return _("%(h).1f h") % {"h": minutes / 60}


def _queue_card(user: Any) -> dict[str, Any]:
    programs = program_ids_with(user, Cap.REFERRALS_VIEW)
    counts = summary.total("referrals", programs)
    overdue, due_soon, new = (counts.get(k, 0) for k in ("overdue", "due_soon", "new"))
    items = []
    now = timezone.now()
    urgent = sorted(
        (due, int(key[len(URGENT) :])) for key, due in counts.items() if key.startswith(URGENT)
    )
    for due_timestamp, pk in urgent[:SHOWN]:
        due_at = datetime.fromtimestamp(due_timestamp, tz=UTC)
        items.append(
            {
                "label": reference_of(pk),
                "url": url_for("referrals:detail", pk),
                "badge": BADGES[urgency_of(due_at, None, now)],
                "note": _("due %(when)s")
                % {"when": timezone.localtime(due_at).strftime("%d/%m %H:%M")},
            }
        )
    return {
        "title": _("First contact due"),
        "priority": 10,
        "count": overdue + due_soon,
        "tone": "attention" if overdue else "",
        "text": ngettext(
            "%(overdue)d overdue, %(soon)d due within %(h)d hours; %(n)d referral waiting for first contact in all.",
            "%(overdue)d overdue, %(soon)d due within %(h)d hours; %(n)d referrals waiting for first contact in all.",
            new,
        )
        % {"overdue": overdue, "soon": due_soon, "h": DUE_SOON_HOURS, "n": new},
        "entries": items,
        "action": {"url": url_for("referrals:queue"), "label": _("Open the referral queue")},
    }


def _referrer_card(user: Any) -> dict[str, Any]:
    from kindred.referrals.views import _referrer_rows

    mine = Referral.sent.visible_to(user)
    total = mine.count()
    latest = list(
        mine.only(
            "id", "status", "received_at", "share_status_with_referrer", "family_id"
        ).order_by("-received_at", "-id")[:SHOWN]
    )
    items = []
    for row in _referrer_rows(latest):
        referral = row["referral"]
        status = referral.get_status_display() if row["shared"] else _("Received")
        items.append(
            {
                "label": referral.reference,
                "url": url_for("referrals:sent_detail", referral.pk),
                "badge": ("info", status),
                "note": _("sent %(when)s")
                % {"when": timezone.localtime(referral.received_at).strftime("%d/%m/%Y")},
            }
        )
    return {
        "title": _("My referrals"),
        "priority": 10,
        "count": total,
        "text": "" if items else _("You have not sent a referral yet."),
        "entries": items,
        "links": [{"url": url_for("referrals:sent"), "label": _("All my referrals")}]
        if total > SHOWN
        else [],
        "action": {"url": url_for("referrals:new"), "label": _("Refer a family")},
    }


def _numbers_card(request: HttpRequest) -> dict[str, Any]:
    program = current_program(request, Cap.REFERRALS_DASHBOARD)
    n = summary.get("referral_numbers", [program.pk])[program.pk]
    pct = n["within_target_pct"]
    return {
        "title": _("The program's numbers"),
        "priority": 60,
        "text": _("Referrals to %(program)s since it began.") % {"program": program.name},
        "figures": [
            {"label": _("Referred"), "value": n["referred"]},
            {"label": _("Contacted"), "value": n["contacted"]},
            {"label": _("Contacted within the target"), "value": "—" if pct < 0 else f"{pct}%"},
            {"label": _("Median time to first contact"), "value": _hours(n["median_minutes"])},
            {"label": _("Matched or in a group"), "value": n["supported"]},
            {"label": _("Support under way or done"), "value": n["active"]},
        ],
        "action": {"url": url_for("referrals:dashboard"), "label": _("Open the referral numbers")},
    }


def home_cards(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    cards = []
    if has_any_capability(user, Cap.REFERRALS_VIEW):
        cards.append(_queue_card(user))
    elif has_any_capability(user, Cap.REFERRALS_CREATE) or has_any_capability(
        user, Cap.REFERRALS_VIEW_OWN
    ):
        cards.append(_referrer_card(user))
    # The program's numbers lead an evaluator's page; staff reach them from the menu.
    if has_any_capability(user, Cap.REFERRALS_DASHBOARD) and not has_any_capability(
        user, Cap.REFERRALS_VIEW
    ):
        cards.append(_numbers_card(request))
    unread = unread_count(user)
    if unread:
        cards.append(
            {
                "title": _("Notifications"),
                "priority": 90,
                "count": unread,
                "text": ngettext("%(n)d unread", "%(n)d unread", unread) % {"n": unread},
                "action": {"url": url_for("referrals:notifications"), "label": _("Read them")},
            }
        )
    return cards
