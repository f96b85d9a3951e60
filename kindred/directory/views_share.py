"""Sharing resources with a family: a PDF folder and/or an e-mailed link, recorded on the
family's record (their timeline shows it). The e-mail carries a link only, never health details."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kindred.audit.log import record
from kindred.directory.access import get_resource_share_for
from kindred.directory.models import ResourceShare, Service
from kindred.directory.pdf import folder_pdf
from kindred.directory.search import with_details
from kindred.directory.views import MAX_FOLDER_SERVICES, pdf_response, selected_service_ids
from kindred.families.access import get_family_for
from kindred.families.consent import may
from kindred.families.models import Family
from kindred.lib.mail import send_email_after_commit
from kindred.programs.access import ProgramRequest, program_required
from kindred.programs.permissions import Cap

SHARE_LINK_DAYS = 90


def family_language(family: Family) -> str:
    caregiver = family.caregivers.order_by("-is_primary", "id").first()
    language = getattr(caregiver, "preferred_language", "en")
    return language if language in {"en", "es"} else "en"


def family_email(family: Family) -> str:
    caregiver = family.caregivers.exclude(email="").order_by("-is_primary", "id").first()
    return caregiver.email if caregiver else ""


def _family_for_share(request: HttpRequest, pk: Any) -> Family:
    family = get_family_for(request, pk, capability=Cap.DIRECTORY_SHARE)
    if not family.is_open:
        raise Http404
    return family


@program_required(Cap.DIRECTORY_SHARE)
@require_http_methods(["GET", "POST"])
def share_new(request: ProgramRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    ids = selected_service_ids(data.getlist("service"))[:MAX_FOLDER_SERVICES]
    services = list(with_details(Service.objects.listed().filter(pk__in=ids)))
    family_pk = data.get("family", "")
    if not family_pk:
        program = request.program
        families = Family.objects.visible_to(request.user).filter(
            program=program, status=Family.Status.ACTIVE
        )[:300]
        record(
            action="families.family.listed",
            request=request,
            program=program,
            object_type="families.family",
            detail={"purpose": "directory.share"},
        )
        return render(
            request,
            "directory/share_pick_family.html",
            {"families": families, "services": services},
        )
    family = _family_for_share(request, family_pk)
    email = family_email(family)
    can_email = bool(email) and may(family, "contact")
    errors: list[str] = []
    if request.method == "POST":
        language = data.get("language", "en")
        language = language if language in {"en", "es"} else "en"
        wants_email = data.get("send_email") == "on"
        if not services:
            errors.append(_("Tick at least one resource to share."))
        if wants_email and not can_email:
            errors.append(
                _(
                    "This family has no e-mail address, or has not agreed to be contacted: print the folder instead."
                )
            )
        if not errors:
            share = share_create(
                family=family,
                services=services,
                language=language,
                email=email if wants_email else "",
                by=request.user,
                request=request,
            )
            messages.success(request, _("Shared. The family's record shows it."))
            return redirect("directory:share_detail", pk=share.pk)
    record(
        action="families.family.viewed",
        request=request,
        program=family.program_id,
        obj=family,
        fields=["name"],
        detail={"purpose": "directory.share"},
    )
    return render(
        request,
        "directory/share_form.html",
        {
            "family": family,
            "services": services,
            "language": data.get("language") or family_language(family),
            "can_email": can_email,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def share_create(
    *,
    family: Family,
    services: list[Service],
    language: str,
    email: str,
    by: Any,
    request: Any = None,
) -> ResourceShare:
    with transaction.atomic():
        token, token_hash = ResourceShare.new_token()
        now = timezone.now()
        share = ResourceShare.objects.create(
            program_id=family.program_id,
            family=family,
            language=language,
            emailed_to=email,
            token_hash=token_hash,
            created_by=by,
            created_at=now,
            expires_at=now + timedelta(days=SHARE_LINK_DAYS),
        )
        share.services.set(services)
        record(
            action="directory.resourceshare.created",
            request=request,
            actor=by,
            program=family.program_id,
            obj=share,
            fields=["services", "language"] + (["emailed_to"] if email else []),
            detail={"family": family.pk, "services": len(services)},
        )
        if email:
            path = reverse("directory:shared_page", args=[token])
            link = (
                request.build_absolute_uri(path)
                if request is not None
                else settings.SITE_URL + path
            )
            with translation.override(language):
                program = family.program
                subject = render_to_string(
                    "directory/email/share_subject.txt", {"program": program}
                ).strip()
                body = render_to_string(
                    "directory/email/share_body.txt",
                    {"program": program, "link": link, "days": SHARE_LINK_DAYS},
                )
            send_email_after_commit(subject=subject, body=body, to=[email])
    return share


@program_required(Cap.DIRECTORY_SHARE)
@require_GET
def share_detail(request: ProgramRequest, pk: int) -> HttpResponse:
    share = get_resource_share_for(request, pk)
    record(
        action="directory.resourceshare.viewed",
        request=request,
        obj=share,
        program=share.program_id,
    )
    services = with_details(share.services.all())
    return render(request, "directory/share_detail.html", {"share": share, "services": services})


@program_required(Cap.DIRECTORY_SHARE)
@require_GET
def share_pdf(request: ProgramRequest, pk: int) -> HttpResponse:
    share = get_resource_share_for(request, pk)
    record(
        action="directory.resourceshare.printed",
        request=request,
        obj=share,
        program=share.program_id,
    )
    ids = list(share.services.order_by("name").values_list("pk", flat=True))
    return pdf_response(
        folder_pdf(program=share.program, service_ids=ids, language=share.language),
        "resource-folder.pdf",
    )


@require_GET
def shared_page(request: HttpRequest, token: str) -> HttpResponse:
    """What the family opens from the e-mail: the resources and the program, nothing else."""
    share = ResourceShare.by_token(token)
    if share is None:
        raise Http404
    request.no_store = True  # type: ignore[attr-defined]
    services = with_details(share.services.filter(status="active"))
    with translation.override(share.language):
        response = render(
            request,
            "directory/shared_page.html",
            {"share": share, "program": share.program, "services": services},
        )
    return response
