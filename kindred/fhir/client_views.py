"""The page where a coordinator (or the organization's administrator) registers and revokes the
SMART backend clients allowed to refer to the current program."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kindred.audit.log import record
from kindred.fhir.forms import ClientForm, clients_of
from kindred.fhir.models import FhirClient, FhirClientProgram
from kindred.programs.access import ProgramRequest, get_scoped_or_404, program_required
from kindred.programs.permissions import Cap


@program_required(Cap.FHIR_CLIENTS_MANAGE)
@require_http_methods(["GET", "POST"])
def clients(request: ProgramRequest) -> HttpResponse:
    program = request.program
    form = ClientForm(request.POST or None, program=program)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                client = FhirClient.objects.create(
                    name=form.cleaned_data["name"],
                    organization=form.cleaned_data["organization"],
                    jwks=form.cleaned_data["jwks"],
                    jwks_url=form.cleaned_data["jwks_url"],
                    created_by=request.user,
                )
                FhirClientProgram.objects.create(
                    client=client,
                    program=program,
                    owner_reference=form.cleaned_data["owner_reference"],
                )
                record(
                    action="fhir.client.registered",
                    request=request,
                    program=program,
                    obj=client,
                    fields=["name", "organization", "jwks" if client.jwks else "jwks_url"],
                )
            messages.success(
                request, _("Client registered. Its client id is %(id)s.") % {"id": client.client_id}
            )
            return redirect("fhir:clients")
        status = 400
    return render(
        request,
        "fhir/clients.html",
        {"program": program, "form": form, "clients": clients_of(program)},
        status=status,
    )


@program_required(Cap.FHIR_CLIENTS_MANAGE)
@require_POST
def client_revoke(request: ProgramRequest, pk: int) -> HttpResponse:
    link = get_scoped_or_404(request, FhirClientProgram.objects.select_related("client"), pk)
    client = link.client
    with transaction.atomic():
        locked = FhirClient.objects.select_for_update().get(pk=client.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.revoked_by = request.user
            locked.save(update_fields=["revoked_at", "revoked_by"])
            locked.tokens.all().delete()
            record(
                action="fhir.client.revoked",
                request=request,
                program=link.program_id,
                obj=locked,
                fields=["revoked_at"],
            )
    messages.success(
        request, _("Client %(name)s revoked: its tokens no longer work.") % {"name": client.name}
    )
    return redirect("fhir:clients")
