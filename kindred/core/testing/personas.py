"""The personas every test uses: coordinator, supervisor, mentor, referrer and evaluator of
program A, the administrator and directory curator of A's organization, and the coordinator of
program B (another organization) as the outsider."""

from dataclasses import dataclass, field
from typing import Any

from django.test import Client

from kindred.accounts.models import User
from kindred.programs.models import (
    Membership,
    Organization,
    OrganizationMembership,
    OrganizationRole,
    Program,
    Role,
)

PASSWORD = "correct horse battery staple 42"

PERSONAS = (
    "anonymous",
    "coordinator",
    "supervisor",
    "mentor",
    "referrer",
    "evaluator",
    "admin",
    "curator",
    "outsider",
)
SIGNED_IN = PERSONAS[1:]


@dataclass
class World:
    org_a: Organization
    program_a: Program
    org_b: Organization
    program_b: Program
    users: dict[str, User]
    objects: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)

    def client(self, persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            signed_in(client, self.users[persona])
        return client


def signed_in(client: Client, user: User) -> Client:
    """`client` signed in as `user` with the second factor done, as after the code page (or
    with nothing owed, for a role that does not require it): what most tests start from. The
    two-step pages themselves are tested in kindred/accounts/tests/test_two_factor.py."""
    from kindred.accounts import second_factor

    client.force_login(user)
    session = client.session
    session[second_factor.STATE_KEY] = second_factor.VERIFIED
    session.save()
    return client


def make_user(email: str, name: str, language: str = "en") -> User:
    return User.objects.create_user(email, PASSWORD, full_name=name, language=language)


def build_world() -> World:
    org_a = Organization.objects.create(name="Org A", slug="org-a", kind=Organization.Kind.HOSPITAL)
    org_b = Organization.objects.create(
        name="Org B", slug="org-b", kind=Organization.Kind.COMMUNITY
    )
    program_a = Program.objects.create(
        organization=org_a,
        name="Program A",
        slug="program-a",
        scope=Program.Scope.HOSPITAL_WIDE,
        mentor_title="Family Partner",
        languages=["en", "es"],
    )
    program_b = Program.objects.create(
        organization=org_b, name="Program B", slug="program-b", scope=Program.Scope.COMMUNITY
    )
    users: dict[str, User] = {}
    for role in (Role.COORDINATOR, Role.SUPERVISOR, Role.MENTOR, Role.REFERRER, Role.EVALUATOR):
        user = make_user(f"{role}@a.test", f"{role.label} A")
        Membership.objects.create(user=user, program=program_a, role=role)
        users[str(role)] = user
    for key, org_role in (("admin", OrganizationRole.ADMIN), ("curator", OrganizationRole.CURATOR)):
        user = make_user(f"{key}@a.test", f"{key.title()} A")
        OrganizationMembership.objects.create(user=user, organization=org_a, role=org_role)
        users[key] = user
    outsider = make_user("coordinator@b.test", "Coordinator B")
    Membership.objects.create(user=outsider, program=program_b, role=Role.COORDINATOR)
    users["outsider"] = outsider
    return World(org_a=org_a, program_a=program_a, org_b=org_b, program_b=program_b, users=users)


def request_as(user: Any, path: str = "/", *, program: Program | None = None) -> Any:
    """A GET request made by `user` (for calling access helpers and services directly), with
    `request.program` when given."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    request = RequestFactory().get(path)
    request.user = user
    request.session = SessionStore()
    if program is not None:
        request.program = program
    return request
