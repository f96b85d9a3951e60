"""Finding resources: the search page, a service, the public page, the PDF folder, shared lists."""

import uuid
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kindred.audit.log import record
from kindred.directory.access import get_service_for, get_shared_list_for
from kindred.directory.forms import AddToListForm, SearchForm, SharedListForm, StatusForm
from kindred.directory.models import Service, SharedList, SharedListItem, curated_organization_ids
from kindred.directory.pdf import folder_pdf
from kindred.directory.search import search_services, with_details
from kindred.directory.share_family import family_language, share_family_from
from kindred.programs.access import ProgramRequest, has_capability, program_required
from kindred.programs.models import Program
from kindred.programs.permissions import Cap

MAX_FOLDER_SERVICES = 30


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _search_context(request: HttpRequest) -> dict[str, Any]:
    form = SearchForm(request.GET or None)
    query = form.query()
    result = (
        search_services(query, page=_page_number(request))
        if form.is_valid() or not request.GET
        else None
    )
    params = request.GET.copy()
    params.pop("page", None)
    return {"form": form, "result": result, "query": query, "params": params.urlencode()}


@program_required(Cap.DIRECTORY_VIEW)
@require_GET
def search(request: ProgramRequest) -> HttpResponse:
    context = _search_context(request)
    program: Program = request.program
    context["can_share"] = has_capability(request.user, program, Cap.DIRECTORY_SHARE)
    context["can_curate"] = bool(curated_organization_ids(request.user))
    context["program"] = program
    # Started from a family's page: the family rides along to the share, and the folder
    # language defaults to theirs (views_share).
    family = share_family_from(request, request.GET)
    context["share_family"] = family
    context["folder_language"] = request.GET.get("lang") or (
        family_language(family) if family else ""
    )
    return render(request, "directory/search.html", context)


@program_required(Cap.DIRECTORY_VIEW)
@require_GET
def service_detail(request: ProgramRequest, pk: uuid.UUID) -> HttpResponse:
    return service_page(request, get_service_for(request, pk))


def service_page(
    request: ProgramRequest,
    service: Service,
    *,
    status_form: StatusForm | None = None,
    list_error: str = "",
    status: int = 200,
) -> HttpResponse:
    """A service's page; the curation view shows it again with a refused status change, the
    list view with a refused list choice (`list_error`)."""
    service = with_details(Service.objects.filter(pk=service.pk)).get()
    program: Program = request.program
    can_share = has_capability(request.user, program, Cap.DIRECTORY_SHARE)
    can_edit = service.organization.steward_id in curated_organization_ids(request.user)
    lists = list(SharedList.objects.filter(program=program)) if can_share else []
    return render(
        request,
        "directory/service_detail.html",
        {
            "service": service,
            "can_share": can_share,
            "can_edit": can_edit,
            "add_form": AddToListForm(lists=lists) if lists else None,
            "history": service.history() if can_edit else [],
            "status_form": (status_form or StatusForm(service=service)) if can_edit else None,
            "list_error": list_error,
        },
        status=status,
    )


def _public_program(slug: str) -> Program:
    program = (
        Program.objects.select_related("organization").filter(slug=slug, is_active=True).first()
    )
    if program is None:
        raise Http404
    return program


@require_GET
def public_search(request: HttpRequest, slug: str) -> HttpResponse:
    """The read-only page a program links to: no sign-in, the whole network's active services."""
    program = _public_program(slug)
    context = _search_context(request)
    context["program"] = program
    return render(request, "directory/public_search.html", context)


@require_GET
def public_service(request: HttpRequest, slug: str, pk: uuid.UUID) -> HttpResponse:
    program = _public_program(slug)
    service = with_details(Service.objects.listed().filter(pk=pk)).first()
    if service is None:
        raise Http404
    return render(
        request, "directory/public_service.html", {"program": program, "service": service}
    )


def selected_service_ids(values: list[str]) -> list[uuid.UUID]:
    ids: list[uuid.UUID] = []
    for value in values:
        try:
            pk = uuid.UUID(value)
        except ValueError:
            continue
        if pk not in ids:
            ids.append(pk)
    return ids


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@program_required(Cap.DIRECTORY_SHARE)
@require_GET
def folder(request: ProgramRequest) -> HttpResponse:
    """A resource folder of the services ticked on the search page (no family involved)."""
    program: Program = request.program
    ids = selected_service_ids(request.GET.getlist("service"))[:MAX_FOLDER_SERVICES]
    listed = set(Service.objects.listed().filter(pk__in=ids).values_list("pk", flat=True))
    ids = [pk for pk in ids if pk in listed]
    if not ids:
        messages.error(request, _("Tick at least one resource for the folder."))
        return redirect(reverse("directory:search") + "?" + request.GET.urlencode())
    language = request.GET.get("lang") or translation.get_language() or "en"
    language = language if language in {"en", "es"} else "en"
    record(
        action="directory.folder.created",
        request=request,
        program=program,
        object_type="directory.folder",
        detail={"services": len(ids), "language": language},
    )
    return pdf_response(
        folder_pdf(program=program, service_ids=ids, language=language), "resource-folder.pdf"
    )


# --- Shared lists ("our cardiology list") ---------------------------------------------------


@program_required(Cap.DIRECTORY_SHARE)
@require_http_methods(["GET", "POST"])
def lists(request: ProgramRequest) -> HttpResponse:
    program: Program = request.program
    form = SharedListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"].strip()
        if SharedList.objects.filter(program=program, name__iexact=name).exists():
            form.add_error("name", _("Your program already has a list with this name."))
        else:
            try:
                with transaction.atomic():
                    shared_list = SharedList.objects.create(
                        program=program, name=name, created_by=request.user
                    )
            except IntegrityError:
                form.add_error("name", _("Your program already has a list with this name."))
            else:
                messages.success(request, _("List created."))
                return redirect("directory:list_detail", pk=shared_list.pk)
    shared_lists = SharedList.objects.filter(program=program).select_related("created_by")
    return render(
        request,
        "directory/lists.html",
        {"form": form, "lists": shared_lists, "program": program},
        status=400 if form.is_bound else 200,
    )


@program_required(Cap.DIRECTORY_SHARE)
@require_GET
def list_detail(request: ProgramRequest, pk: int) -> HttpResponse:
    shared_list = get_shared_list_for(request, pk)
    items = shared_list.items.select_related("service", "service__organization", "added_by")
    return render(request, "directory/list_detail.html", {"list": shared_list, "items": items})


@program_required(Cap.DIRECTORY_SHARE)
@require_POST
def list_add(request: ProgramRequest, pk: uuid.UUID) -> HttpResponse:
    service = get_service_for(request, pk)
    try:
        list_pk = int(request.POST.get("shared_list", ""))
    except ValueError:
        return service_page(
            request, service, list_error=_("Choose one of your program's lists."), status=400
        )
    shared_list = get_shared_list_for(request, list_pk)
    _item, created = SharedListItem.objects.get_or_create(
        shared_list=shared_list, service=service, defaults={"added_by": request.user}
    )
    if created:
        messages.success(request, _("Added to %(list)s.") % {"list": shared_list.name})
    else:
        messages.success(request, _("Already on %(list)s.") % {"list": shared_list.name})
    return redirect("directory:service", pk=service.pk)


@program_required(Cap.DIRECTORY_SHARE)
@require_POST
def list_remove(request: ProgramRequest, pk: int, service_pk: uuid.UUID) -> HttpResponse:
    shared_list = get_shared_list_for(request, pk)
    shared_list.items.filter(service_id=service_pk).delete()
    messages.success(request, _("Removed from the list."))
    return redirect("directory:list_detail", pk=shared_list.pk)
