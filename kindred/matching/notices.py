"""The matching notices: in the recipient's language, after commit, a link only (no family
name, no health information: kindred.lib.mail)."""

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from kindred.lib.mail import send_email_after_commit
from kindred.mentors.services import coordinators_of


def _sentences() -> dict[str, tuple[str, str]]:
    """{event: (subject, sentence)}, read inside the recipient's language."""
    return {
        "offered": (
            _("A family is waiting for you"),
            _("The program would like you to support a family. Please answer the offer:"),
        ),
        "answered": (
            _("Your question was answered"),
            _("The coordinator answered your question about an offer. Please read it here:"),
        ),
        "introduced": (
            _("You have been introduced to a family"),
            _("The coordinator has introduced you to a family. The details are here:"),
        ),
        "withdrawn": (
            _("An offer was withdrawn"),
            _("An offer or match of yours was withdrawn. You can read why here:"),
        ),
        "closed": (
            _("A match was closed"),
            _("One of your matches was closed. You can read it here:"),
        ),
        "fit_check": (
            _("Is it a good fit?"),
            _("Two weeks into a match: please tell us whether it is a good fit:"),
        ),
        "end_soon": (
            _("A match ends soon"),
            _("A match reaches the end of its duration soon. Renew or close it here:"),
        ),
        "accepted": (
            _("A mentor accepted an offer"),
            _("A mentor accepted an offer: introduce them to the family here:"),
        ),
        "declined": (
            _("A mentor declined an offer"),
            _("A mentor declined an offer: the family is back on the waiting list. See here:"),
        ),
        "info_requested": (
            _("A mentor has a question about an offer"),
            _("A mentor asked for more information before answering an offer:"),
        ),
        "mentor_stopped": (
            _("A mentor's offers were withdrawn"),
            _("A mentor paused or left: their open offers were withdrawn. See the family here:"),
        ),
        "not_good_fit": (
            _("A match was not a good fit"),
            _(
                "A match was closed after the early fit check; the family is back on the waiting list:"
            ),
        ),
    }


def _send(event: str, *, to: str, language: str, url: str) -> None:
    if not to:
        return
    with translation.override(language or "en"):
        subject, sentence = _sentences()[event]
        body = "\n\n".join([_("Hello,"), sentence, settings.SITE_URL + url, _("— Kindred")])
        subject = str(subject)
    send_email_after_commit(subject=subject, body=body + "\n", to=[to])


def notify_mentor(event: str, match: Any) -> None:
    mentor = match.mentor
    user = mentor.user
    to = user.email if user is not None else mentor.email
    language = (user.language if user is not None else "") or mentor.preferred_language
    _send(event, to=to, language=language, url=reverse("matching:match", args=[match.pk]))


def notify_coordinators(event: str, match: Any) -> None:
    url = reverse("matching:match", args=[match.pk])
    for coordinator in coordinators_of(match.program):
        _send(event, to=coordinator.email, language=coordinator.language, url=url)
