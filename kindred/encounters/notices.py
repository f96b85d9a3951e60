"""E-mails of the encounters app: in the recipient's language, after commit, a link only (no
family, no health information: kindred.lib.mail)."""

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kindred.lib.mail import send_email_after_commit
from kindred.programs.models import Membership
from kindred.programs.roles import Role


def supervisors_of(program_id: int) -> list[Any]:
    return [
        m.user
        for m in Membership.objects.active()
        .filter(program_id=program_id, role=Role.SUPERVISOR)
        .select_related("user")
    ]


def _send(*, to: str, language: str, subject: str, sentence: str, url: str) -> None:
    if not to:
        return
    with translation.override(language or "en"):
        body = "\n\n".join([_("Hello,"), _(sentence), settings.SITE_URL + url, _("— Kindred")])
        subject = _(subject)
    send_email_after_commit(subject=subject, body=body + "\n", to=[to])


def notify_supervisors(escalation: Any, *, url: str) -> None:
    """A concern flagged on an encounter: every supervisor of the program is told."""
    for user in supervisors_of(escalation.program_id):
        _send(
            to=user.email,
            language=user.language,
            subject=CONCERN_SUBJECT,
            sentence=CONCERN_SENTENCE,
            url=url,
        )


def remind_follow_ups(*, to: str, language: str, count: int, url: str) -> None:
    with translation.override(language or "en"):
        subject = _("Follow-ups due")
        sentence = translation.ngettext(
            "You have %(n)s follow-up due. Open your list:",
            "You have %(n)s follow-ups due. Open your list:",
            count,
        ) % {"n": count}
        body = "\n\n".join([_("Hello,"), sentence, settings.SITE_URL + url, _("— Kindred")])
    send_email_after_commit(subject=subject, body=body + "\n", to=[to])


# Marked for translation here, translated in the recipient's language by _send.
CONCERN_SUBJECT = gettext_noop("A concern was flagged")
CONCERN_SENTENCE = gettext_noop(
    "A mentor flagged a concern on an encounter. It waits in the supervision queue:"
)
