from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kindred.accounts.middleware import remember_language
from kindred.accounts.requests import SignedInRequest
from kindred.lib import extensions, summary
from kindred.lib.http import safe_next
from kindred.programs.access import capabilities
from kindred.programs.models import Membership, OrganizationMembership

# Every key the card template reads: a key missing from a dict costs the template engine a failed
# lookup (an exception and a `dir()`), dozens per page.
CARD_DEFAULTS = {
    "count": None,
    "tone": "",
    "template": "",
    "text": "",
    "entries": (),
    "figures": (),
    "links": (),
    "action": None,
}
ENTRY_DEFAULTS = {"badge": None, "url": "", "note": ""}


def _complete(card: dict[str, Any]) -> dict[str, Any]:
    card = {**CARD_DEFAULTS, **card}
    if card["entries"]:
        card["entries"] = [{**ENTRY_DEFAULTS, **entry} for entry in card["entries"]]
    return card


def _home_cards(request: HttpRequest) -> list[Any]:
    """Each Kindred app may add cards to the home page through `home.py: home_cards(request)`;
    the page is a work list, most pressing first: cards by their `priority` (lower first, 50
    when none is given; docs/architecture.md, "Home cards")."""
    modules = extensions.home_modules()  # imported first: they register their summaries
    # Every card's summary of the person's programs in one cache read (kindred.lib.summary).
    with summary.prefetched(capabilities(request.user), user_id=request.user.pk):
        cards = [_complete(card) for module in modules for card in module.home_cards(request)]
    return sorted(cards, key=lambda card: card.get("priority", 50))


@login_required
@require_GET
def home(request: SignedInRequest) -> HttpResponse:
    # The roles come with the signed-in person's cached record (programs/person.py).
    person = getattr(request.user, "_kindred_person", None)
    if person is not None:
        memberships: Any = person.memberships
        org_roles: Any = person.organization_memberships
    else:
        memberships = (
            Membership.objects.filter(user=request.user, is_active=True, program__is_active=True)
            .select_related("program", "program__organization")
            .order_by("program__name", "role")
        )
        org_roles = OrganizationMembership.objects.filter(
            user=request.user, is_active=True
        ).select_related("organization")
    return render(
        request,
        "core/home.html",
        {
            "memberships": memberships,
            "org_roles": org_roles,
            "has_programs": bool(capabilities(request.user)),
            "cards": _home_cards(request),
        },
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        database = "unreachable"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "error", "database": database}, status=status
    )


@never_cache
@require_GET
def healthz_live(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers (no database). Also the benchmark's trivial view."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    return redirect(static("kindred/favicon.svg"), permanent=True)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    response = redirect(safe_next(request, "/"))
    if language not in dict(settings.LANGUAGES):
        return response
    translation.activate(language)
    if request.user.is_authenticated and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    remember_language(response, language)
    return response
