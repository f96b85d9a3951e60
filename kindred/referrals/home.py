"""The referrals card on the home page: the queue's state for staff, the referrer's shortcuts,
and the unread notifications (the bell) for everyone who has any."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kindred.lib import summary
from kindred.programs.access import has_any_capability, program_ids_with
from kindred.programs.permissions import Cap
from kindred.referrals.models import Referral
from kindred.referrals.notifications import unread_count


def _counts(program_id: int) -> dict[str, int]:
    waiting = Referral.objects.filter(program_id=program_id)
    return {
        "overdue": waiting.overdue().count(),
        "new": waiting.awaiting_first_contact().count(),
    }


summary.register("referrals", _counts, watch=[(Referral, lambda referral: referral.program_id)])


def home_cards(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    links = []
    lines = []
    unread = unread_count(user)
    if has_any_capability(user, Cap.REFERRALS_VIEW):
        # The programs whose referrals the person sees (Referral.objects.visible_to), summed.
        counts = summary.total("referrals", program_ids_with(user, Cap.REFERRALS_VIEW))
        overdue, new = counts.get("overdue", 0), counts.get("new", 0)
        lines.append(
            ngettext(
                "%(n)d referral waiting for first contact",
                "%(n)d referrals waiting for first contact",
                new,
            )
            % {"n": new}
            + " · "
            + ngettext("%(n)d overdue", "%(n)d overdue", overdue) % {"n": overdue}
        )
        links.append({"url": reverse("referrals:queue"), "label": _("Open the referral queue")})
    if has_any_capability(user, Cap.REFERRALS_CREATE):
        links.append({"url": reverse("referrals:new"), "label": _("Refer a family")})
    if has_any_capability(user, Cap.REFERRALS_VIEW_OWN):
        links.append({"url": reverse("referrals:sent"), "label": _("My referrals")})
    if not links and not unread:
        return []
    links.append(
        {
            "url": reverse("referrals:notifications"),
            "label": ngettext("Notifications: %(n)d unread", "Notifications: %(n)d unread", unread)
            % {"n": unread},
        }
    )
    return [{"title": _("Referrals"), "text": " ".join(lines), "links": links}]
