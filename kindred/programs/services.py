"""Workflows about programs and their people that span several models."""

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify

from kindred.accounts.models import User
from kindred.audit.log import record
from kindred.lib import extensions
from kindred.lib.mail import send_email_after_commit
from kindred.programs.models import (
    Invitation,
    Membership,
    Organization,
    OrganizationMembership,
    Program,
)
from kindred.programs.person import members_of_organization, people_changed
from kindred.programs.roles import OrganizationRole, Role


def organizations_administered(user: User) -> QuerySet[Organization]:
    """The organizations where `user` is an active administrator: where they may start programs."""
    if not user.is_authenticated or not user.is_active:
        return Organization.objects.none()
    return (
        Organization.objects.filter(
            memberships__user=user,
            memberships__role=OrganizationRole.ADMIN,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("name")
    )


def _free_slug(name: str) -> str:
    base = slugify(name)[:70] or "program"
    slug, n = base, 1
    while Program.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def program_create(
    *,
    program: Program,
    targets: dict[str, int],
    coordinator_email: str,
    by: User,
    request: HttpRequest | None = None,
) -> tuple[Program, Invitation]:
    """Save a new program (its fields set, not yet saved), let the apps above take its targets
    (`program_created` extension: the match target), and invite its first coordinator."""
    if not OrganizationMembership.objects.filter(
        user=by,
        organization_id=program.organization_id,
        role=OrganizationRole.ADMIN,
        is_active=True,
    ).exists():
        raise PermissionError("Only an administrator of the organization starts its programs.")
    with transaction.atomic():
        program.slug = _free_slug(program.name)
        program.full_clean()
        program.save()
        for module in extensions.program_created_modules():
            module.program_created(program, targets=targets, by=by, request=request)
        record(
            action="programs.program.created",
            request=request,
            actor=by,
            program=program,
            obj=program,
            fields=["name", "scope", "languages", *sorted(targets)],
        )
        invitation = member_invite(
            program=program,
            email=coordinator_email.lower(),
            role=Role.COORDINATOR,
            invited_by=by,
            request=request,
        )
        # The organization's administrators gain the new program at their next request.
        people_changed(members_of_organization(program.organization))
    return program, invitation


def member_invite(
    *, program: Program, email: str, role: str, invited_by: User, request: HttpRequest | None = None
) -> Invitation:
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")
    with transaction.atomic():
        invitation, token = Invitation.issue(
            email=email, program=program, role=role, invited_by=invited_by
        )
        record(
            action="programs.invitation.created",
            request=request,
            program=program,
            obj=invitation,
            fields=["email", "role"],
        )
        existing = User.objects.filter(email__iexact=email).first()
        language = existing.language if existing else translation.get_language() or "en"
        path = reverse("invitations:accept", args=[token])
        link = request.build_absolute_uri(path) if request is not None else settings.SITE_URL + path
        with translation.override(language):
            subject = render_to_string(
                "programs/email/invitation_subject.txt", {"program": program}
            ).strip()
            body = render_to_string(
                "programs/email/invitation_body.txt",
                {
                    "program": program,
                    "role": Role(role).label,
                    "link": link,
                    "invited_by": invited_by,
                    "days": settings.INVITATION_VALID_DAYS,
                },
            )
        send_email_after_commit(subject=subject, body=body, to=[invitation.email])
    return invitation


def invitation_accept(
    *,
    invitation: Invitation,
    full_name: str,
    password: str,
    preferred_name: str = "",
    request: HttpRequest | None = None,
) -> User:
    with transaction.atomic():
        user = User.objects.filter(email__iexact=invitation.email).first()
        if user is None:
            user = User.objects.create_user(
                invitation.email,
                password,
                full_name=full_name,
                preferred_name=preferred_name.strip(),
                language=translation.get_language() or "en",
            )
        elif not user.is_active:
            user.is_active = True
            user.deactivated_at = None
            user.save(update_fields=["is_active", "deactivated_at"])
        invitation.mark_accepted(user=user)
        membership, created = Membership.objects.get_or_create(
            user=user, program=invitation.program, role=invitation.role
        )
        if not created and not membership.is_active:
            membership.is_active = True
            membership.changed_at = timezone.now()
            membership.save(update_fields=["is_active", "changed_at"])
        record(
            action="programs.membership.created",
            request=request,
            actor=user,
            program=invitation.program,
            obj=membership,
            fields=["role"],
        )
    return user


def membership_change_role(
    *, membership: Membership, role: str, by: User, request: HttpRequest | None = None
) -> None:
    old = membership.role
    membership.change_role(role=role)
    record(
        action="programs.membership.changed",
        request=request,
        actor=by,
        program=membership.program_id,
        obj=membership,
        fields=["role"],
        detail={"from": old, "to": role},
    )
    membership.user.end_sessions()


def membership_deactivate(
    *, membership: Membership, by: User, request: HttpRequest | None = None
) -> None:
    """End a role at once. An account left with no active role is deactivated entirely."""
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if not locked.is_active:
            return
        locked.is_active = False
        locked.changed_at = timezone.now()
        locked.save(update_fields=["is_active", "changed_at"])
        user = User.objects.select_for_update().get(pk=locked.user_id)
        has_other_roles = (
            Membership.objects.filter(user=user, is_active=True).exists()
            or OrganizationMembership.objects.filter(user=user, is_active=True).exists()
        )
        if not has_other_roles and user.is_active:
            user.is_active = False
            user.deactivated_at = timezone.now()
            user.save(update_fields=["is_active", "deactivated_at"])
            record(
                action="accounts.user.deactivated",
                request=request,
                actor=by,
                program=locked.program_id,
                obj=user,
                fields=["is_active"],
            )
        record(
            action="programs.membership.deactivated",
            request=request,
            actor=by,
            program=locked.program_id,
            obj=locked,
            fields=["is_active"],
        )
        # Lose every session at once: what remains of their access is recomputed at next sign-in.
        user.end_sessions()
    membership.is_active = False
