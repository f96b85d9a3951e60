from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kindred.accounts import second_factor
from kindred.accounts.models import User
from kindred.accounts.requests import SignedInRequest
from kindred.audit.log import record
from kindred.lib import extensions
from kindred.lib.http import safe_next
from kindred.programs.access import (
    SESSION_PROGRAM_KEY,
    ProgramRequest,
    capabilities,
    deny,
    get_membership_for,
    program_required,
)
from kindred.programs.forms import (
    AcceptInvitationForm,
    ChangeRoleForm,
    InviteMemberForm,
    ProgramCreateForm,
    ProgramSettingsForm,
)
from kindred.programs.models import Invitation, Membership, Program
from kindred.programs.permissions import Cap
from kindred.programs.person import person_changed
from kindred.programs.services import (
    invitation_accept,
    member_invite,
    membership_change_role,
    membership_deactivate,
    organizations_administered,
    program_create,
)


@login_required
@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    try:
        program_id = int(request.POST.get("program", ""))
    except ValueError:
        raise Http404 from None
    if program_id not in capabilities(request.user):
        raise Http404
    request.session[SESSION_PROGRAM_KEY] = program_id
    person_changed(request.user.pk)
    return redirect(safe_next(request, "/"))


@program_required(Cap.PROGRAM_MANAGE)
@require_http_methods(["GET", "POST"])
def settings_edit(request: ProgramRequest) -> HttpResponse:
    program: Program = request.program
    form = ProgramSettingsForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            # Apps that keep something in step with a program's settings (the directory entry
            # the program publishes) do it in the same transaction.
            for module in extensions.program_changed_modules():
                module.program_changed(program, by=request.user, request=request)
            record(
                action="programs.program.changed",
                request=request,
                program=program,
                obj=program,
                fields=[f if f != "languages_text" else "languages" for f in form.changed_data],
            )
        messages.success(request, _("Program settings saved."))
        return redirect("programs:settings")
    return render(
        request,
        "programs/settings.html",
        {"form": form, "program": program},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request: SignedInRequest) -> HttpResponse:
    """An organization administrator starts a program and invites its first coordinator."""
    organizations = organizations_administered(request.user)
    if not organizations.exists():
        deny(request, object_type="programs.program", object_id="new")
        raise Http404
    form = ProgramCreateForm(request.POST or None, instance=Program(), organizations=organizations)
    if request.method == "POST" and form.is_valid():
        program = form.save(commit=False)
        program, _invitation = program_create(
            program=program,
            targets={"match_target_hours": form.cleaned_data["match_target_hours"]},
            coordinator_email=form.cleaned_data["coordinator_email"],
            by=request.user,
            request=request,
        )
        # The administrator goes on working in the program they just started.
        request.session[SESSION_PROGRAM_KEY] = program.pk
        messages.success(
            request,
            _("%(program)s is ready. An invitation was sent to %(email)s.")
            % {"program": program.name, "email": form.cleaned_data["coordinator_email"].lower()},
        )
        return redirect("programs:members")
    return render(
        request,
        "programs/create.html",
        {"form": form, "organizations": organizations},
        status=400 if form.is_bound else 200,
    )


@program_required(Cap.MEMBERS_MANAGE)
@require_http_methods(["GET", "POST"])
def members(request: ProgramRequest) -> HttpResponse:
    program: Program = request.program
    form = InviteMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        role = form.cleaned_data["role"]
        if Membership.objects.filter(
            program=program, user__email__iexact=email, role=role, is_active=True
        ).exists():
            form.add_error("email", _("This person already has that role in this program."))
        else:
            member_invite(
                program=program, email=email, role=role, invited_by=request.user, request=request
            )
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": email})
            return redirect("programs:members")
    return _render_members(request, form=form, status=400 if form.is_bound else 200)


def _render_members(
    request: HttpRequest,
    *,
    form: InviteMemberForm | None = None,
    role_form: ChangeRoleForm | None = None,
    row: Membership | None = None,
    row_error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The members page; a refused change of one person's role (or deactivation) is shown on
    that person's row with what was chosen (`role_form`) and the reason."""
    program: Program = request.program  # type: ignore[attr-defined]
    memberships = (
        Membership.objects.filter(program=program)
        .select_related("user")
        .order_by("-is_active", "user__full_name", "role")
    )
    invitations = Invitation.objects.pending().filter(program=program).order_by("-created_at")
    chosen = ""
    if role_form is not None and role_form.is_bound:
        chosen = role_form.data.get("role", "")
        row_error = row_error or " ".join(
            str(e) for errors in role_form.errors.values() for e in errors
        )
    return render(
        request,
        "programs/members.html",
        {
            "program": program,
            "memberships": memberships,
            "invitations": invitations,
            "form": form or InviteMemberForm(),
            "role_form": ChangeRoleForm(),
            "row_id": row.pk if row else None,
            "row_error": row_error,
            "row_role": chosen,
        },
        status=status,
    )


@program_required(Cap.MEMBERS_MANAGE)
@require_POST
def member_role(request: ProgramRequest, pk: int) -> HttpResponse:
    membership = get_membership_for(request, pk)
    form = ChangeRoleForm(request.POST)
    if form.is_valid() and not membership.is_active:
        form.add_error("role", _("This role was deactivated: invite the person again instead."))
    elif form.is_valid() and membership.user_id == request.user.pk:
        form.add_error("role", _("You cannot change your own role."))
    elif form.is_valid():
        try:
            membership_change_role(
                membership=membership,
                role=form.cleaned_data["role"],
                by=request.user,
                request=request,
            )
        except (ValueError, IntegrityError):
            form.add_error("role", _("This person already has that role in this program."))
        else:
            messages.success(request, _("Role changed for %(name)s.") % {"name": membership.user})
            return redirect("programs:members")
    return _render_members(request, role_form=form, row=membership, status=400)


@program_required(Cap.MEMBERS_MANAGE)
@require_POST
def member_deactivate(request: ProgramRequest, pk: int) -> HttpResponse:
    membership = get_membership_for(request, pk)
    if membership.user_id == request.user.pk:
        return _render_members(
            request, row=membership, row_error=_("You cannot deactivate yourself."), status=400
        )
    membership_deactivate(membership=membership, by=request.user, request=request)
    messages.success(
        request,
        _("%(name)s no longer has access as %(role)s.")
        % {"name": membership.user, "role": membership.get_role_display()},
    )
    return redirect("programs:members")


@program_required(Cap.MEMBERS_MANAGE)
@require_POST
def member_two_factor_reset(request: ProgramRequest, pk: int) -> HttpResponse:
    """An administrator resets a member's two-step sign-in (a lost phone): their devices and
    remembered browsers go, they are signed out, and they enrol again at the next sign-in."""
    membership = get_membership_for(request, pk)
    if membership.user_id == request.user.pk:
        return _render_members(
            request,
            row=membership,
            row_error=_("Reset your own two-step sign-in from your profile."),
            status=400,
        )
    second_factor.reset(membership.user, by=request.user, request=request)
    messages.success(
        request,
        _("Two-step sign-in reset for %(name)s: they set it up again at their next sign-in.")
        % {"name": membership.user},
    )
    return redirect("programs:members")


@program_required(Cap.MEMBERS_MANAGE)
@require_POST
def invitation_revoke(request: ProgramRequest, pk: int) -> HttpResponse:
    program: Program = request.program
    invitation = Invitation.objects.pending().filter(pk=pk, program=program).first()
    if invitation is None:
        deny(request, object_type="programs.invitation", object_id=pk, program=program.pk)
        raise Http404
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(action="programs.invitation.revoked", request=request, program=program, obj=invitation)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("programs:members")


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link of an invitation: a new person chooses a name and password, someone
    with an account confirms theirs; either way they join the program with the role."""
    pending = Invitation.find_pending(token)
    if pending is None:
        record(action="programs.invitation.invalid", request=request)
        return render(request, "programs/invitation_invalid.html", status=404)
    existing = User.objects.filter(email__iexact=pending.email).first()
    form = AcceptInvitationForm(request.POST or None, existing_user=existing, email=pending.email)
    if request.method == "POST" and form.is_valid():
        user = invitation_accept(
            invitation=pending,
            full_name=form.cleaned_data.get("full_name", ""),
            preferred_name=form.cleaned_data.get("preferred_name", ""),
            password=form.cleaned_data["password1"],
            request=request,
        )
        auth_login(request, user, backend="kindred.programs.person.PersonBackend")
        messages.success(request, _("Welcome to %(program)s.") % {"program": pending.program.name})
        return redirect("core:home")
    return render(
        request,
        "programs/invitation.html",
        {"invitation": pending, "form": form, "existing": existing},
    )
