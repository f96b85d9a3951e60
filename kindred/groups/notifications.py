"""E-mail to families: a place became free, a session is coming. In the caregiver's language,
after commit, with only a link to the family's own page of sessions (kindred.lib.mail). No
health information and no group name in the subject: a group's name can reveal a diagnosis."""

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from kindred.families.models import Caregiver, Family
from kindred.lib.mail import send_email_after_commit


def contact_of(family: Family) -> Caregiver | None:
    """The caregiver the program writes to: the primary contact with an e-mail, else any."""
    caregivers = [c for c in family.caregivers.all() if c.is_active and c.email]
    caregivers.sort(key=lambda c: (not c.is_primary, c.pk))
    return caregivers[0] if caregivers else None


def family_page_url(family: Family) -> str:
    from kindred.groups.feeds import live_feed

    feed = live_feed(family=family, program=family.program)
    return settings.SITE_URL + reverse("groups:family_page", args=[feed.token])


def _send(family: Family, template: str, context: dict[str, Any]) -> bool:
    caregiver = contact_of(family)
    if caregiver is None:
        return False
    language = (
        caregiver.preferred_language if caregiver.preferred_language in ("en", "es") else "en"
    )
    with translation.override(language):
        group = context.get("group")
        full = {
            **context,
            "link": family_page_url(family),
            "group_name": group.name_for(language) if group else "",
            "language": language,
        }
        if "starts_at" in context:
            full["starts_at"] = timezone.localtime(context["starts_at"], context["tz"])
        subject = render_to_string(f"groups/email/{template}_subject.txt", full).strip()
        body = render_to_string(f"groups/email/{template}.txt", full)
    send_email_after_commit(subject=subject, body=body, to=[caregiver.email])
    return True


def notify_promoted(registration: Any) -> bool:
    """The family on the waitlist has a place now."""
    return _send(registration.family, "promoted", {"group": registration.group})


def send_session_reminder(registration: Any, occurrence: Any) -> bool:
    from kindred.groups.schedule import zone

    return _send(
        registration.family,
        "reminder",
        {
            "group": registration.group,
            "starts_at": occurrence.starts_at,
            "tz": zone(occurrence.group),
            "details": occurrence.details,
        },
    )
