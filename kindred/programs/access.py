"""Scoped access: every read of a program's data goes through these helpers.

`capabilities(user)` is computed once per request (one query for program roles, one for
organization roles) and cached on the user object. Objects outside the user's programs answer
404, so their existence is not revealed; a member lacking the capability gets 403.
"""

from collections import defaultdict
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from kindred.programs.models import Membership, OrganizationMembership, Program
from kindred.programs.permissions import ORGANIZATION_ROLE_CAPABILITIES, ROLE_CAPABILITIES

SESSION_PROGRAM_KEY = "kindred_program_id"


def capabilities(user: Any) -> dict[int, frozenset[str]]:
    """{program id: capabilities} for a signed-in, active user; {} otherwise."""
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    cached = getattr(user, "_kindred_capabilities", None)
    if cached is not None:
        return cached
    caps: dict[int, set[str]] = defaultdict(set)
    for program_id, role in Membership.objects.filter(
        user=user, is_active=True, program__is_active=True
    ).values_list("program_id", "role"):
        caps[program_id] |= ROLE_CAPABILITIES.get(role, frozenset())
    org_roles = list(
        OrganizationMembership.objects.filter(user=user, is_active=True).values_list(
            "organization_id", "role"
        )
    )
    if org_roles:
        by_org: dict[int, set[str]] = defaultdict(set)
        for org_id, role in org_roles:
            by_org[org_id] |= ORGANIZATION_ROLE_CAPABILITIES.get(role, frozenset())
        for program_id, org_id in Program.objects.filter(
            organization_id__in=by_org, is_active=True
        ).values_list("id", "organization_id"):
            caps[program_id] |= by_org[org_id]
    result = {pid: frozenset(c) for pid, c in caps.items()}
    user._kindred_capabilities = result
    return result


def forget_capabilities(user: Any) -> None:
    if hasattr(user, "_kindred_capabilities"):
        del user._kindred_capabilities


def program_ids_with(user: Any, capability: str) -> list[int]:
    return sorted(pid for pid, caps in capabilities(user).items() if capability in caps)


def has_capability(user: Any, program: Program | int, capability: str) -> bool:
    program_id = program if isinstance(program, int) else program.pk
    return capability in capabilities(user).get(program_id, frozenset())


def has_any_capability(user: Any, capability: str) -> bool:
    return bool(program_ids_with(user, capability))


def require_capability(user: Any, program: Program | int, capability: str) -> None:
    """404 outside the user's programs, 403 inside them without the capability."""
    program_id = program if isinstance(program, int) else program.pk
    caps = capabilities(user).get(program_id)
    if caps is None:
        raise Http404
    if capability not in caps:
        raise PermissionDenied


def access_program(user: Any, program_id: int, capability: str) -> Program:
    require_capability(user, program_id, capability)
    return Program.objects.select_related("organization").get(pk=program_id)


def current_program(request: HttpRequest, capability: str) -> Program:
    """The program the user is working in (switchable), among those granting `capability`."""
    allowed = program_ids_with(request.user, capability)
    if not allowed:
        if capabilities(request.user):
            raise PermissionDenied
        raise Http404
    chosen = request.session.get(SESSION_PROGRAM_KEY)
    program_id = chosen if chosen in allowed else allowed[0]
    return Program.objects.select_related("organization").get(pk=program_id)


def program_required(capability: str) -> Callable[..., Any]:
    """View decorator: sign-in required, sets request.program to the current program."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            request.program = current_program(request, capability)  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
