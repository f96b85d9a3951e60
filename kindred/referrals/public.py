"""The public self-referral page: a family asks for support themselves, in their language.

Protected against automated abuse without a captcha service: a honeypot field (a submission
that fills it is answered like a success and saves nothing) and a rate limit per client address,
counted from the audit log (like sign-in throttling), so it holds across server processes.
One submission is one referral: the form's one-time key (kindred.lib.idempotency)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kindred.audit.log import record
from kindred.audit.throttle import address_over_limit
from kindred.programs.models import Program
from kindred.referrals.forms import SelfReferralForm
from kindred.referrals.models import ConsentMethod, Referral, ReferralSettings, Source
from kindred.referrals.services import referral_create

ACTIONS = ("referrals.referral.self_submitted", "referrals.referral.self_refused")


def _program(slug: str) -> Program:
    program = Program.objects.filter(slug=slug, is_active=True).first()
    if program is None or not ReferralSettings.for_program(program).self_referral_open:
        raise Http404
    return program


def too_many(request: HttpRequest) -> bool:
    return address_over_limit(
        request, actions=ACTIONS, limit=settings.REFERRALS_SELF_REFERRALS_PER_ADDRESS_PER_HOUR
    )


def _already_sent(digest: str) -> bool:
    return bool(digest) and Referral.objects.filter(submission_key=digest).exists()


@require_http_methods(["GET", "POST"])
def self_refer(request: HttpRequest, slug: str) -> HttpResponse:
    program = _program(slug)
    request.no_store = True  # type: ignore[attr-defined]  # a shared computer at a clinic
    form = SelfReferralForm(request.POST or None, program=program)
    if request.method == "POST":
        # The same submission again (a double click, the back button, a retry): its thank-you.
        if _already_sent(form.submission_digest()):
            return redirect("referrals:self_thanks", slug=program.slug)
        if too_many(request):
            return render(
                request,
                "referrals/self_refer.html",
                {"program": program, "form": form, "throttled": True},
                status=429,
            )
        if form.is_bot():
            record(
                action="referrals.referral.self_refused",
                request=request,
                program=program,
                detail={"why": "honeypot"},
            )
            return redirect("referrals:self_thanks", slug=program.slug)
        if form.is_valid():
            digest = form.cleaned_data["submission_key"]
            try:
                with transaction.atomic():
                    referral_create(
                        program=program,
                        family=form.referred_family(),
                        source=Source.SELF,
                        by=None,
                        consent_to_contact=form.cleaned_data["consent_to_contact"],
                        consent_obtained_by=_("The family, on the self-referral page"),
                        consent_method=ConsentMethod.SELF,
                        looking_for=form.cleaned_data["looking_for"],
                        request=request,
                        submission_key=digest,
                    )
                    record(
                        action="referrals.referral.self_submitted", request=request, program=program
                    )
            except IntegrityError:
                # A concurrent twin of this submission was saved first (the unique key).
                if not _already_sent(digest):
                    raise
                return redirect("referrals:self_thanks", slug=program.slug)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                return redirect("referrals:self_thanks", slug=program.slug)
        if not form.submission_digest():
            form.renew_submission_key()
    return render(
        request,
        "referrals/self_refer.html",
        {"program": program, "form": form},
        status=400 if form.is_bound else 200,
    )


@require_GET
def self_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    program = _program(slug)
    return render(
        request,
        "referrals/self_thanks.html",
        {
            "program": program,
            "hours": program.first_contact_target_hours,
            "business_hours": ReferralSettings.for_program(program).business_hours_only,
        },
    )
