"""The public survey page: no sign-in, reached only by the one-time link of an invitation.

The page is in the invitation's language; a link that is unknown, expired, answered or declined
answers a page that says so in English and Spanish (the reader may not be the one who chose the
language). One submission is one response (kindred.lib.idempotency): a second POST of the same
form, a double tap on a slow phone, gets the thank-you page. Pages are never cached and the
answers per address and hour are limited, counted from the audit log.
"""

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kindred.audit.log import record
from kindred.audit.throttle import address_over_limit
from kindred.lib.idempotency import submission_digest
from kindred.surveys.forms import ResponseForm
from kindred.surveys.models import Invitation, Response
from kindred.surveys.services import (
    AlreadyClosed,
    invitation_by_token,
    invitation_decline,
    items_for,
    response_submit,
)

LANGUAGES = ("en", "es")
ACTIONS = ("surveys.response.submitted", "surveys.link.refused", "surveys.invitation.declined")
PER_ADDRESS_PER_HOUR = 30


def _bad(
    request: HttpRequest, why: str, status: int, invitation: Invitation | None = None
) -> HttpResponse:
    if why == "unknown":
        record(action="surveys.link.refused", request=request, detail={"why": why})
    # A known link names its program: "call the program" then says which one.
    program = invitation.program if invitation is not None else None
    return render(
        request, "surveys/public_bad.html", {"why": why, "program": program}, status=status
    )


def _closed(request: HttpRequest, invitation: Invitation | None) -> HttpResponse | None:
    if invitation is None:
        return _bad(request, "unknown", 404)
    if invitation.answered_at and request.method == "POST":
        # Answering again: a conflict with the answers already received, said plainly.
        return _bad(request, "answered", 409, invitation)
    if invitation.answered_at or invitation.declined_at:
        why = "answered" if invitation.answered_at else "declined"
        return _bad(request, why, 410, invitation)
    if invitation.expires_at <= timezone.now():
        return _bad(request, "expired", 410, invitation)
    return None


def language_of(request: HttpRequest, invitation: Invitation) -> str:
    """The invitation's language, unless the reader chose the other one on the page (`?lang=`):
    the header's switch would not reach a page shown in the invitation's language."""
    chosen = request.GET.get("lang", "")
    return chosen if chosen in LANGUAGES else invitation.language


def _thanks(request: HttpRequest, token: str) -> HttpResponse:
    response = redirect("surveys:public_thanks", token=token)
    if request.GET.get("lang") in LANGUAGES:  # the language the reader chose goes on
        response["Location"] += f"?lang={request.GET['lang']}"
    return response


def digest_of(form: ResponseForm) -> str:
    return str(form.cleaned_data.get("submission_key") or "")


@require_http_methods(["GET", "POST"])
def public(request: HttpRequest, token: str) -> HttpResponse:
    request.no_store = True  # type: ignore[attr-defined]  # a family's phone, a shared computer
    invitation = invitation_by_token(token)
    if request.method == "POST" and invitation is not None:
        digest = submission_digest(request.POST.get("submission_key"))
        if (
            digest
            and Response.objects.filter(submission_key=digest, invitation=invitation).exists()
        ):
            return _thanks(request, token)
    refused = _closed(request, invitation)
    if refused is not None or invitation is None:
        return refused or _bad(request, "unknown", 404)
    language = language_of(request, invitation)
    with translation.override(language):
        items = items_for(invitation)
        form = ResponseForm(request.POST or None, items=items, language=language)
        status, throttled = 200, False
        if request.method == "POST":
            if address_over_limit(request, actions=ACTIONS, limit=PER_ADDRESS_PER_HOUR):
                throttled, status = True, 429
            elif form.is_valid():
                try:
                    response_submit(
                        invitation=invitation,
                        answers=form.answers(),
                        submission_key=form.cleaned_data["submission_key"],
                        request=request,
                    )
                except (AlreadyClosed, IntegrityError):
                    # Answered meanwhile: a double tap of this form gets the thank-you page,
                    # another form (another tab, another phone) the conflict.
                    invitation.refresh_from_db()
                    if Response.objects.filter(
                        invitation=invitation, submission_key=digest_of(form)
                    ).exists():
                        return _thanks(request, token)
                    if invitation.answered_at:
                        return _bad(request, "answered", 409)
                    return _bad(request, "expired", 410)
                return _thanks(request, token)
            else:
                status = 400
                if "submission_key" in form.errors or not form.cleaned_data.get("submission_key"):
                    form.renew_submission_key()
        return render(
            request,
            "surveys/public.html",
            {
                "invitation": invitation,
                "survey": invitation.survey,
                "program": invitation.program,
                "form": form,
                "language": language,
                "title": invitation.survey.title_for(language),
                "intro": invitation.survey.intro_for(language),
                "throttled": throttled,
                "token": token,
                "other_language": "en" if language == "es" else "es",
            },
            status=status,
        )


@require_POST
def public_decline(request: HttpRequest, token: str) -> HttpResponse:
    request.no_store = True  # type: ignore[attr-defined]
    invitation = invitation_by_token(token)
    refused = _closed(request, invitation)
    if refused is not None or invitation is None:
        return refused or _bad(request, "unknown", 404)
    if address_over_limit(request, actions=ACTIONS, limit=PER_ADDRESS_PER_HOUR):
        return _bad(request, "throttled", 429)
    invitation_decline(invitation=invitation, request=request)
    with translation.override(language_of(request, invitation)):
        return render(
            request,
            "surveys/public_done.html",
            {"declined": True, "program": invitation.program},
        )


@require_GET
def public_thanks(request: HttpRequest, token: str) -> HttpResponse:
    request.no_store = True  # type: ignore[attr-defined]
    invitation = invitation_by_token(token)
    if invitation is None or invitation.answered_at is None:
        return _bad(request, "unknown", 404)
    with translation.override(language_of(request, invitation)):
        return render(
            request,
            "surveys/public_done.html",
            {"declined": False, "program": invitation.program},
        )
