"""The demo program: a living, clearly fictional program a newcomer can explore.

`manage.py load_demo` builds the organization, program and one person per role here, then calls
`load(ctx)` (`kindred.lib.demo.DemoContext`) in every Kindred app's `demo.py`, in INSTALLED_APPS
order. Each app's loader must be idempotent: running the command again must not duplicate
anything.
"""

from typing import TextIO

from django.conf import settings
from django.db import transaction

from kindred.accounts.models import User
from kindred.lib import extensions
from kindred.lib.demo import DEMO_DOMAIN, DemoContext
from kindred.programs.models import (
    Membership,
    Organization,
    OrganizationMembership,
    OrganizationRole,
    Program,
    Role,
)

# (key, full name, language, program role or None, organization role or None)
DEMO_PEOPLE = [
    ("coordinator", "Rosa Delgado", "en", Role.COORDINATOR, None),
    ("supervisor", "Dr. Naomi Whitfield", "en", Role.SUPERVISOR, None),
    ("mentor", "Keisha Brown", "en", Role.MENTOR, None),
    ("referrer", "Tom Okafor", "en", Role.REFERRER, None),
    ("evaluator", "Priya Raman", "en", Role.EVALUATOR, None),
    ("admin", "Alan Mercer", "en", None, OrganizationRole.ADMIN),
    ("curator", "Lucía Fernández", "es", None, OrganizationRole.CURATOR),
]


def _user(email: str, full_name: str, language: str, password: str) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email, password, full_name=full_name, language=language)
    _demo_authenticator(user)
    return user


def _demo_authenticator(user: User) -> None:
    """Every demo person has an authenticator with the published demo key
    (KINDRED_DEMO_TOTP_KEY, printed by load_demo), so the demo — and the load benchmark, which
    runs it with production settings — gets past the second step as a real person would."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(
            user=user, name="Demo authenticator", confirmed=True, key=settings.KINDRED_DEMO_TOTP_KEY
        )


@transaction.atomic
def build_base(*, password: str, stdout: TextIO | None = None) -> DemoContext:
    organization, _ = Organization.objects.get_or_create(
        slug="riverbend-childrens",
        defaults={
            "name": "Riverbend Children's Hospital (demo)",
            "kind": Organization.Kind.HOSPITAL,
        },
    )
    program, _ = Program.objects.get_or_create(
        slug="riverbend-family-partners",
        defaults={
            "organization": organization,
            "name": "Riverbend Family Partner Program",
            "scope": Program.Scope.HOSPITAL_WIDE,
            "offers_one_to_one": True,
            "offers_groups": True,
            "offers_virtual": True,
            "mentor_title": "Family Partner",
            "mentor_title_es": "Compañera de Familia",
            "languages": ["en", "es"],
            "first_contact_target_hours": 48,
            "accepts_outside_referrals": True,
        },
    )
    other_org, _ = Organization.objects.get_or_create(
        slug="lakeside-p2p",
        defaults={"name": "Lakeside Parent to Parent (demo)", "kind": Organization.Kind.COMMUNITY},
    )
    other_program, _ = Program.objects.get_or_create(
        slug="lakeside-parent-to-parent",
        defaults={
            "organization": other_org,
            "name": "Lakeside Parent to Parent",
            "scope": Program.Scope.COMMUNITY,
            "offers_one_to_one": True,
            "offers_groups": True,
            "mentor_title": "Support Parent",
            "mentor_title_es": "Padre/Madre de Apoyo",
            "languages": ["en", "es", "vi"],
        },
    )
    users: dict[str, User] = {}
    for key, name, language, role, org_role in DEMO_PEOPLE:
        user = _user(f"{key}@{DEMO_DOMAIN}", name, language, password)
        users[key] = user
        if role:
            Membership.objects.get_or_create(user=user, program=program, role=role)
        if org_role:
            OrganizationMembership.objects.get_or_create(
                user=user, organization=organization, role=org_role
            )
    lakeside = _user(f"lakeside-coordinator@{DEMO_DOMAIN}", "Mai Nguyen", "en", password)
    Membership.objects.get_or_create(user=lakeside, program=other_program, role=Role.COORDINATOR)
    users["lakeside_coordinator"] = lakeside
    return DemoContext(
        organization=organization,
        program=program,
        users=users,
        password=password,
        stdout=stdout,
        other_organization=other_org,
        other_program=other_program,
    )


def load(*, stdout: TextIO | None = None) -> DemoContext:
    ctx = build_base(password=settings.KINDRED_DEMO_PASSWORD, stdout=stdout)
    # This module is the core app's own `demo`: it builds the base, the apps add to it.
    for module in extensions.demo_modules(exclude=("kindred.core",)):
        with transaction.atomic():
            module.load(ctx)
    return ctx
