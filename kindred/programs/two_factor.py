"""Who must sign in with a second factor (the `two_factor` extension point read by
kindred.accounts.second_factor): anyone who sees every family of a program or manages people
and the directory — coordinators, supervisors, organization administrators and directory
curators. Mentors, referrers and evaluators may turn it on."""

from typing import Any

from kindred.programs.models import Membership, OrganizationMembership
from kindred.programs.roles import OrganizationRole, Role

PROGRAM_ROLES = (Role.COORDINATOR, Role.SUPERVISOR)
ORGANIZATION_ROLES = (OrganizationRole.ADMIN, OrganizationRole.CURATOR)


def requires_two_factor(user: Any) -> bool:
    return (
        Membership.objects.filter(
            user=user, role__in=PROGRAM_ROLES, is_active=True, program__is_active=True
        ).exists()
        or OrganizationMembership.objects.filter(
            user=user, role__in=ORGANIZATION_ROLES, is_active=True
        ).exists()
    )
