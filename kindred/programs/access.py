"""Scoped access: every read of a program's data goes through these helpers.

`capabilities(user)` is computed once per request (one query for program roles, one for
organization roles) and cached on the user object. Objects outside the user's programs answer
404, so their existence is not revealed; a member lacking the capability gets 403.
"""

from collections import defaultdict
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, ClassVar, Concatenate, ParamSpec, Self, TypeVar, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse

from kindred.accounts.requests import SignedInRequest
from kindred.audit.log import record
from kindred.programs.models import Membership, OrganizationMembership, Program
from kindred.programs.permissions import ORGANIZATION_ROLE_CAPABILITIES, ROLE_CAPABILITIES, Cap

SESSION_PROGRAM_KEY = "kindred_program_id"

if TYPE_CHECKING:
    pass


class ProgramRequest(SignedInRequest):
    """The request of a view under `@program_required`: a signed-in person working in one of
    their programs (`request.program`)."""

    program: Program


def capabilities(user: Any) -> dict[int, frozenset[str]]:
    """{program id: capabilities} for a signed-in, active user; {} otherwise.

    For the person signed in, the value comes with their cached record (`programs/person.py`,
    loaded once per request); for any other user object it is computed once and kept on it."""
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    cached = getattr(user, "_kindred_capabilities", None)
    if cached is not None:
        return cached
    result = compute_capabilities(user.pk)
    user._kindred_capabilities = result
    return result


def compute_capabilities(
    user_id: int,
    *,
    roles: list[tuple[int, str]] | None = None,
    organization_roles: list[tuple[int, str]] | None = None,
    organization_programs: list[tuple[int, int]] | None = None,
) -> dict[int, frozenset[str]]:
    """The permission matrix read for one user, the only reader of the matrix: one query for
    program roles, one for organization roles (and one for their programs), unless the caller
    has those rows at hand (active roles in active programs; active organization roles; the
    active programs of those organizations as (program id, organization id))."""
    if roles is None:
        roles = list(
            Membership.objects.filter(
                user_id=user_id, is_active=True, program__is_active=True
            ).values_list("program_id", "role")
        )
    if organization_roles is None:
        organization_roles = list(
            OrganizationMembership.objects.filter(user_id=user_id, is_active=True).values_list(
                "organization_id", "role"
            )
        )
    caps: dict[int, set[str]] = defaultdict(set)
    for program_id, role in roles:
        caps[program_id] |= ROLE_CAPABILITIES.get(role, frozenset())
    if organization_roles:
        by_org: dict[int, set[str]] = defaultdict(set)
        for org_id, role in organization_roles:
            by_org[org_id] |= ORGANIZATION_ROLE_CAPABILITIES.get(role, frozenset())
        if organization_programs is None:
            organization_programs = list(
                Program.objects.filter(organization_id__in=by_org, is_active=True).values_list(
                    "id", "organization_id"
                )
            )
        for program_id, org_id in organization_programs:
            caps[program_id] |= by_org[org_id]
    return {pid: frozenset(c) for pid, c in caps.items()}


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


def programs_for(user: Any, capability: str) -> models.QuerySet[Program]:
    """The programs where `user` holds `capability` (a program's row is its own scope)."""
    return Program.objects.filter(pk__in=program_ids_with(user, capability))


def access_program(user: Any, program_id: int, capability: str) -> Program:
    require_capability(user, program_id, capability)
    return Program.objects.select_related("organization").get(pk=program_id)


def current_program(request: HttpRequest, capability: str) -> Program:
    """The program the user is working in (switchable), among those granting `capability`.

    Memoised per request: the program rows come with the signed-in person's cached record, and
    the same program is one object for the whole request."""
    allowed = program_ids_with(request.user, capability)
    if not allowed:
        if capabilities(request.user):
            raise PermissionDenied
        raise Http404
    chosen = request.session.get(SESSION_PROGRAM_KEY)
    program_id = chosen if chosen in allowed else allowed[0]
    memo: dict[int, Program] | None = getattr(request, "_kindred_programs", None)
    if memo is None:
        memo = {}
        request._kindred_programs = memo  # type: ignore[attr-defined]
    if program_id not in memo:
        person = getattr(request.user, "_kindred_person", None)
        known = person.programs.get(program_id) if person is not None else None
        memo[program_id] = known or Program.objects.select_related("organization").get(
            pk=program_id
        )
    return memo[program_id]


P = ParamSpec("P")


def program_required(
    capability: str,
) -> Callable[
    [Callable[Concatenate[ProgramRequest, P], HttpResponse]],
    Callable[Concatenate[HttpRequest, P], HttpResponse],
]:
    """View decorator: sign-in required, sets request.program to the current program."""

    def decorator(
        view: Callable[Concatenate[ProgramRequest, P], HttpResponse],
    ) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            program_request = cast(ProgramRequest, request)
            program_request.program = current_program(request, capability)
            return view(program_request, *args, **kwargs)

        return wrapper

    return decorator


# The access kit: one scoped queryset base, one fetch ------------------------------------

M = TypeVar("M", bound=models.Model)


def _is_signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


class ScopedQuerySet(models.QuerySet[M]):
    """Rows that belong to a program. `visible_to(user)` keeps those of the programs where the
    user holds `VIEW_CAPABILITY`; a model whose readers are wider (a mentor's own record, the
    families matched to a mentor) adds them in `extra_scope`. An empty `VIEW_CAPABILITY` means
    no program-wide readers: `extra_scope` alone decides (a referrer's own referrals).

    `PROGRAM_FIELD` is the lookup from the row to its program (`program`, `mentor__program`).
    `grants(user, row, capability)` says whether a reader may do more with a row: by default,
    whether they hold `capability` in the row's program; rows whose rights come from elsewhere
    (the network directory, kept by an organization's curators) override it.
    """

    VIEW_CAPABILITY: ClassVar[str] = ""
    PROGRAM_FIELD: ClassVar[str] = "program"

    def extra_scope(self, user: Any) -> models.Q | None:
        """Rows readable beyond the view capability (None: none)."""
        return None

    def visible_to(self, user: Any) -> Self:
        if not _is_signed_in(user):
            return self.none()
        extra = self.extra_scope(user)
        if not self.VIEW_CAPABILITY:
            return self.filter(extra) if extra is not None else self.none()
        scope = models.Q(
            **{f"{self.PROGRAM_FIELD}__in": program_ids_with(user, self.VIEW_CAPABILITY)}
        )
        return self.filter(scope | extra if extra is not None else scope)

    def in_program(self, program: Program | int) -> Self:
        program_id = program if isinstance(program, int) else program.pk
        return self.filter(**{self.PROGRAM_FIELD: program_id})

    def grants(self, user: Any, obj: M, capability: str) -> bool:
        """Whether `user`, who sees `obj`, holds `capability` over it."""
        program_id = self.program_id_of(obj)
        return program_id is not None and has_capability(user, program_id, capability)

    @classmethod
    def program_id_of(cls, obj: models.Model) -> int | None:
        """The program id of one row, following PROGRAM_FIELD (no query when it is a field);
        None for rows that belong to no program."""
        if not cls.PROGRAM_FIELD:
            return None
        *path, last = cls.PROGRAM_FIELD.split("__")
        target: Any = obj
        for name in path:
            target = getattr(target, name)
        return getattr(target, f"{last}_id", None)


def deny(
    request: HttpRequest | None,
    *,
    object_type: str,
    object_id: Any,
    program: int | None = None,
    capability: str = "",
) -> None:
    """Audit one refused access (`<app>.<model>.access_denied`)."""
    user = getattr(request, "user", None)
    record(
        action=f"{object_type}.access_denied",
        request=request,
        actor=user if getattr(user, "is_authenticated", False) else None,
        program=program,
        object_type=object_type,
        object_id=object_id,
        detail={"capability": capability} if capability else None,
    )


def get_scoped_or_404(
    request: HttpRequest,
    queryset: "ScopedQuerySet[M]",
    pk: Any,
    *,
    capability: str | None = None,
) -> M:
    """The row `pk` of `queryset` if the signed-in person may reach it.

    Outside the person's programs (or no such row): 404, so that its existence is not
    revealed. Inside them without `capability`: 403. Either refusal is audited, once.
    """
    model = queryset.model
    label = model._meta.label_lower
    try:
        key = model._meta.pk.to_python(pk) if pk is not None else None
    except ValidationError:
        key = None
    obj = queryset.visible_to(request.user).filter(pk=key).first() if key is not None else None
    if obj is None:
        deny(request, object_type=label, object_id=str(pk)[:64])
        raise Http404
    if capability and not queryset.grants(request.user, obj, capability):
        deny(
            request,
            object_type=label,
            object_id=obj.pk,
            program=queryset.program_id_of(obj),
            capability=capability,
        )
        raise PermissionDenied
    return obj


# The programs app's own rows -------------------------------------------------------------


class ScopedMembershipQuerySet(ScopedQuerySet[Membership]):
    """A program's memberships, known to its members; managed with MEMBERS_MANAGE. Kept here
    rather than on `Membership.objects`: programs.models is imported by this kit, so it cannot
    inherit from it."""

    VIEW_CAPABILITY = Cap.PROGRAM_VIEW


def get_membership_for(
    request: ProgramRequest, pk: Any, *, capability: str = Cap.MEMBERS_MANAGE
) -> Membership:
    """A membership of the current program; 404 for any other (audited), 403 to a member of
    the program without `capability` (audited)."""
    return get_scoped_or_404(
        request,
        ScopedMembershipQuerySet(Membership)
        .select_related("user", "program")
        .in_program(request.program),
        pk,
        capability=capability,
    )
