"""Sharing resources with a family: a PDF folder, an e-mailed link and/or a texted link, recorded
on the family's record (their timeline shows it). The e-mail and the text carry a link only, never
health details. A search started from a family's page carries the family to the share."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch
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
from kindred.directory.share_family import (
    family_email,
    family_for_share,
    family_language,
    family_phone,
    text_refusal,
)
from kindred.directory.views import MAX_FOLDER_SERVICES, pdf_response, selected_service_ids
from kindred.families.consent import may
from kindred.families.models import Caregiver, Child, Family
from kindred.families.views import search_families
from kindred.lib.mail import send_email_after_commit
from kindred.lib.sms import send_sms_after_commit, sms_available
from kindred.programs.access import ProgramRequest, program_required
from kindred.programs.permissions import Cap

SHARE_LINK_DAYS = 90


PICK_LIMIT = 40


def _pick_family(request: ProgramRequest, services: list[Service], data: Any) -> HttpResponse:
    """Choose the family: searched by name (POST, so names stay out of the URL), each shown with
    what tells families apart (caregivers, children's first names and ages)."""
    program = request.program
    find = (data.get("find") or "").strip()[:100]
    families = Family.objects.visible_to(request.user).filter(
        program=program, status=Family.Status.ACTIVE
    )
    if find:
        found = search_families(program, {"q": find, "status": Family.Status.ACTIVE})
        families = families.filter(pk__in=found.values("pk"))
    total = families.count()
    shown = list(
        families.order_by("sort_name", "id").prefetch_related(
            Prefetch("caregivers", queryset=Caregiver.objects.filter(is_active=True)),
            Prefetch("children", queryset=Child.objects.filter(is_active=True)),
        )[:PICK_LIMIT]
    )
    record(
        action="families.family.listed",
        request=request,
        program=program,
        object_type="families.family",
        detail={"purpose": "directory.share", "shown": len(shown), "searched": bool(find)},
    )
    return render(
        request,
        "directory/share_pick_family.html",
        {
            "families": shown,
            "total": total,
            "more": total > len(shown),
            "find": find,
            "services": services,
            "language": _language(data),
        },
    )


def _language(data: Any) -> str:
    """The folder language chosen (`language` on the share form, `lang` on the search page)."""
    language = data.get("language") or data.get("lang") or ""
    return language if language in {"en", "es"} else ""


@program_required(Cap.DIRECTORY_SHARE)
@require_http_methods(["GET", "POST"])
def share_new(request: ProgramRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    ids = selected_service_ids(data.getlist("service"))[:MAX_FOLDER_SERVICES]
    services = list(with_details(Service.objects.listed().filter(pk__in=ids)))
    family_pk = data.get("family", "")
    if not family_pk:
        return _pick_family(request, services, data)
    family = family_for_share(request, family_pk)
    email = family_email(family)
    can_email = bool(email) and may(family, "contact")
    phone = family_phone(family)
    cannot_text = text_refusal(family, phone)
    errors: list[str] = []
    if request.method == "POST":
        language = _language(data) or "en"
        wants_email = data.get("send_email") == "on"
        wants_text = data.get("send_text") == "on"
        if not services:
            errors.append(_("Tick at least one resource to share."))
        if wants_email and not can_email:
            errors.append(
                _(
                    "This family has no e-mail address, or has not agreed to be contacted: print the folder instead."
                )
            )
        if wants_text and cannot_text:
            errors.append(cannot_text)
        if not errors:
            share = share_create(
                family=family,
                services=services,
                language=language,
                email=email if wants_email else "",
                phone=phone if wants_text else "",
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
            "language": _language(data) or family_language(family),
            "can_email": can_email,
            "cannot_text": cannot_text,
            "texts_offered": sms_available() and family.program.sends_texts,
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
    phone: str = "",
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
            texted_to=phone,
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
            fields=["services", "language"]
            + (["emailed_to"] if email else [])
            + (["texted_to"] if phone else []),
            detail={"family": family.pk, "services": len(services)},
        )
        if email or phone:
            path = reverse("directory:shared_page", args=[token])
            link = (
                request.build_absolute_uri(path)
                if request is not None
                else settings.SITE_URL + path
            )
            program = family.program
            with translation.override(language):
                if email:
                    subject = render_to_string(
                        "directory/email/share_subject.txt", {"program": program}
                    ).strip()
                    body = render_to_string(
                        "directory/email/share_body.txt",
                        {"program": program, "link": link, "days": SHARE_LINK_DAYS},
                    )
                if phone:
                    text = render_to_string(
                        "directory/sms/share.txt", {"program": program, "link": link}
                    ).strip()
            if email:
                send_email_after_commit(subject=subject, body=body, to=[email])
            if phone:
                send_sms_after_commit(to=phone, body=text)
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
