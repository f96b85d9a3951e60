"""The public application: a parent applies to become a mentor, without signing in."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from kindred.audit.log import record
from kindred.audit.throttle import address_over_limit
from kindred.mentors.forms import MANY_FIELDS, ApplicationForm
from kindred.mentors.models import Mentor
from kindred.mentors.services import mentor_apply
from kindred.mentors.views import title_for
from kindred.programs.models import Program

APPLICATION_ACTION = "mentors.application.submitted"


def _application_throttled(request: HttpRequest) -> bool:
    """Automated abuse guard: a few applications per client address per hour, counted from the
    audit log (shared by every server process, like the login throttle)."""
    return address_over_limit(
        request,
        actions=[APPLICATION_ACTION, "mentors.application.refused"],
        limit=settings.MENTOR_APPLICATIONS_PER_HOUR,
    )


def _public_program(slug: str) -> Program:
    program = Program.objects.filter(slug=slug, is_active=True).first()
    if program is None:
        raise Http404
    return program


def _already_sent(digest: str) -> bool:
    return bool(digest) and Mentor.objects.filter(submission_key=digest).exists()


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    program = _public_program(slug)
    request.no_store = True  # type: ignore[attr-defined]  # personal details, a shared computer
    form = ApplicationForm(
        request.POST or None, program=program, initial={"preferred_language": get_language()}
    )
    if request.method == "POST":
        # The same submission again (a double click, the back button, a retry): its thank-you.
        if _already_sent(form.submission_digest()):
            return redirect("mentors:apply_thanks", slug=program.slug)
        if _application_throttled(request):
            return render(request, "mentors/apply_throttled.html", {"program": program}, status=429)
        if form.is_bot:
            record(
                action="mentors.application.refused",
                request=request,
                program=program,
                detail={"why": "honeypot"},
            )
            return redirect("mentors:apply_thanks", slug=program.slug)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k in form.Meta.fields}
            many = {k: data.pop(k) for k in list(data) if k in MANY_FIELDS}
            digest = form.cleaned_data["submission_key"]
            try:
                with transaction.atomic():
                    mentor = mentor_apply(
                        program=program,
                        data=data,
                        many=many,
                        request=request,
                        submission_key=digest,
                    )
                    record(action=APPLICATION_ACTION, request=request, program=program, obj=mentor)
            except (IntegrityError, ValidationError):
                # A concurrent twin of this submission was saved first: the insert fails on the
                # unique key, or full_clean already sees the twin's e-mail address.
                if not _already_sent(digest):
                    raise
            return redirect("mentors:apply_thanks", slug=program.slug)
        if not form.submission_digest():
            form.renew_submission_key()
    return render(
        request,
        "mentors/apply.html",
        {"program": program, "title": title_for(program), "form": form},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def apply_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    program = _public_program(slug)
    request.no_store = True  # type: ignore[attr-defined]
    return render(
        request, "mentors/apply_thanks.html", {"program": program, "title": title_for(program)}
    )
