"""The signed-in person, loaded once per request: one record in the cache all processes share.

A record holds the user, their capabilities (computed by the access kit, the only reader of the
permission matrix), their roles (program and organization memberships, with their programs and
organizations) and the programs they may work in, so a signed-in page pays no query before its
own work. Each user has a **version** in the cache; a record is used only while it carries the
current version. Anything that changes what a person may do bumps it — a role given, changed or
removed, a deactivation, a password change, a sign-out, a program switch, an invitation
accepted, a program or organization saved — so the very next request, in any process sharing the
cache, rebuilds the record from the database.

The version is bumped at once and again after the transaction commits: a request in another
process that rebuilt the record between the two, from rows not yet committed, is refused by the
second bump. Versions are random, so a version lost by the cache can never match an old record.
"""

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction

from kindred.programs.models import Membership, Organization, OrganizationMembership, Program

logger = logging.getLogger(__name__)

RECORD_KEY = "kindred:person:{}"
VERSION_KEY = "kindred:person-version:{}"
# A record unused for this long leaves the cache; the version stays until the cache drops it.
RECORD_SECONDS = 15 * 60
# The version of a record built while the cache is unreachable (it is never stored).
UNCACHED = "uncached"


@dataclass
class Person:
    version: str
    user: Any
    capabilities: dict[int, frozenset[str]]
    memberships: list[Membership] = field(default_factory=list)
    organization_memberships: list[OrganizationMembership] = field(default_factory=list)
    programs: dict[int, Program] = field(default_factory=dict)


def _version(user_id: int) -> str:
    key = VERSION_KEY.format(user_id)
    version = cache.get(key)
    if version is None:
        fresh = uuid.uuid4().hex
        # Another process may add it first: theirs wins, so both build the same version.
        version = fresh if cache.add(key, fresh, timeout=None) else (cache.get(key) or fresh)
    return version


def _build(user_id: int, version: str) -> Person | None:
    from kindred.programs.access import compute_capabilities

    user = get_user_model()._default_manager.filter(pk=user_id).first()
    if user is None:
        return None
    # The record is shared through the cache: it keeps the session check's hash, never the
    # password hash. `password` becomes a deferred field, read from the database only by the
    # rare code that needs it (a password change form); save() then leaves it untouched.
    user.__dict__["_kindred_session_hash"] = user.get_session_auth_hash()
    del user.__dict__["password"]
    memberships = list(
        Membership.objects.filter(user_id=user_id, is_active=True, program__is_active=True)
        .select_related("program", "program__organization")
        .order_by("program__name", "role")
    )
    organization_memberships = list(
        OrganizationMembership.objects.filter(user_id=user_id, is_active=True).select_related(
            "organization"
        )
    )
    programs = {m.program_id: m.program for m in memberships}
    if organization_memberships:
        programs.update(
            (p.pk, p)
            for p in Program.objects.select_related("organization").filter(
                organization_id__in={m.organization_id for m in organization_memberships},
                is_active=True,
            )
        )
    caps = (
        compute_capabilities(
            user_id,
            roles=[(m.program_id, m.role) for m in memberships],
            organization_roles=[(m.organization_id, m.role) for m in organization_memberships],
            organization_programs=[
                (p.pk, p.organization_id)
                for p in programs.values()
                if any(m.organization_id == p.organization_id for m in organization_memberships)
            ],
        )
        if user.is_active
        else {}
    )
    return Person(
        version=version,
        user=user,
        capabilities=caps,
        memberships=memberships,
        organization_memberships=organization_memberships,
        programs={pid: programs[pid] for pid in caps if pid in programs},
    )


def load_person(user_id: int) -> Person | None:
    """The person's current record: from the cache (one round trip) or built and cached.

    If the cache cannot be reached (Redis down), the record is built from the database on every
    request instead: slower, never wrong, and the person stays signed in."""
    record_key, version_key = RECORD_KEY.format(user_id), VERSION_KEY.format(user_id)
    try:
        found = cache.get_many([record_key, version_key])
        person, version = found.get(record_key), found.get(version_key)
        if isinstance(person, Person) and version is not None and person.version == version:
            return person
        version = version or _version(user_id)
    except Exception:  # noqa: BLE001 - the error type depends on the backend (Redis, memcached)
        logger.warning("person cache unreachable: loading user %s from the database", user_id)
        return _build(user_id, UNCACHED)
    person = _build(user_id, version)
    if person is not None:
        try:
            cache.set(record_key, person, RECORD_SECONDS)
        except Exception:  # noqa: BLE001 - as above
            logger.warning("person cache unreachable: record of user %s not kept", user_id)
    return person


def person_changed(user_id: int | None) -> None:
    """What this person may do has changed: their next request, in any process, reloads them."""
    if user_id is None:
        return
    _bump(user_id)
    transaction.on_commit(lambda: _bump(user_id))


def people_changed(user_ids: Any) -> None:
    for user_id in set(user_ids):
        person_changed(user_id)


def _bump(user_id: int) -> None:
    cache.set(VERSION_KEY.format(user_id), uuid.uuid4().hex, timeout=None)
    cache.delete(RECORD_KEY.format(user_id))


def attach(user: Any, person: Person) -> Any:
    """The request's user carries its record: capabilities and programs without a query."""
    user._kindred_person = person
    user._kindred_capabilities = person.capabilities
    return user


class PersonBackend(ModelBackend):
    """Django's model backend (e-mail and password), with the signed-in person loaded from the
    cached record instead of a query per request."""

    def get_user(self, user_id: Any) -> Any:
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        person = load_person(pk)
        if person is None or not self.user_can_authenticate(person.user):
            return None
        return attach(person.user, person)


def members_of_program(program: Program) -> list[int]:
    direct = Membership.objects.filter(program=program).values_list("user_id", flat=True)
    through = OrganizationMembership.objects.filter(
        organization_id=program.organization_id
    ).values_list("user_id", flat=True)
    return [*direct, *through]


def members_of_organization(organization: Organization) -> list[int]:
    direct = Membership.objects.filter(program__organization=organization).values_list(
        "user_id", flat=True
    )
    through = OrganizationMembership.objects.filter(organization=organization).values_list(
        "user_id", flat=True
    )
    return [*direct, *through]
