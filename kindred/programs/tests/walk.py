from kindred.core.testing.walk import SIGNED_IN, Route
from kindred.programs.models import Invitation

MANAGERS = {"coordinator", "admin"}
# Current-program pages: the outsider manages their own program B there.
CURRENT_PROGRAM_MANAGERS = MANAGERS | {"outsider"}


def setup(world):
    membership = world.program_a.memberships.get(user=world.users["mentor"])
    world.objects["membership_a"] = membership
    invitation, _ = Invitation.issue(
        email="new@a.test",
        program=world.program_a,
        role="mentor",
        invited_by=world.users["coordinator"],
    )
    world.objects["invitation_a"] = invitation


ROUTES = [
    Route(
        "programs:switch",
        allowed=SIGNED_IN - {"outsider"},
        method="POST",
        data=lambda w: {"program": w.program_a.pk},
        not_found={"outsider"},
    ),
    Route("programs:settings", allowed=CURRENT_PROGRAM_MANAGERS),
    # Starting a program belongs to the organization's administrators only.
    Route("programs:create", allowed={"admin"}, not_found=SIGNED_IN - {"admin"}),
    Route("programs:members", allowed=CURRENT_PROGRAM_MANAGERS),
    Route(
        "programs:member_role",
        allowed=MANAGERS,
        method="POST",
        kwargs=lambda w: {"pk": w.objects["membership_a"].pk},
        data=lambda w: {"role": "supervisor"},
        not_found={"outsider"},
    ),
    Route(
        "programs:member_deactivate",
        allowed=MANAGERS,
        method="POST",
        kwargs=lambda w: {"pk": w.objects["membership_a"].pk},
        not_found={"outsider"},
    ),
    Route(
        "programs:member_two_factor_reset",
        allowed=MANAGERS,
        method="POST",
        kwargs=lambda w: {"pk": w.objects["membership_a"].pk},
        not_found={"outsider"},
    ),
    Route(
        "programs:invitation_revoke",
        allowed=MANAGERS,
        method="POST",
        kwargs=lambda w: {"pk": w.objects["invitation_a"].pk},
        not_found={"outsider"},
    ),
    # The invitation link (kept under /accounts/invitation/): an unknown token answers 404 to
    # everybody.
    Route(
        "invitations:accept",
        allowed=set(),
        kwargs=lambda w: {"token": "not-a-token"},
        not_found=SIGNED_IN,
    ),
    # The audit trail of the current program (kindred/programs/audit_views.py).
    Route("audit:list", allowed=CURRENT_PROGRAM_MANAGERS),
    Route("audit:export", allowed=CURRENT_PROGRAM_MANAGERS),
]
