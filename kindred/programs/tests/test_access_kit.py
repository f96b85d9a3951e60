"""The one access kit (kindred.programs.access.get_scoped_or_404), on a real model: Family."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from kindred.audit.models import AuditEvent
from kindred.core.testing.personas import request_as
from kindred.families.models import Family
from kindred.families.tests.conftest import make_family
from kindred.programs.access import (
    ScopedQuerySet,
    get_scoped_or_404,
    program_ids_with,
    programs_for,
)
from kindred.programs.permissions import Cap


@pytest.fixture
def family(world):
    return make_family(world)


def denials():
    return list(
        AuditEvent.objects.filter(action="families.family.access_denied")
        .order_by("pk")
        .values_list("actor_id", "program_id", "object_id")
    )


def test_it_answers_the_row_to_a_member_with_the_capability(world, family) -> None:
    request = request_as(world.coordinator)
    found = get_scoped_or_404(
        request, Family.objects.all(), str(family.pk), capability=Cap.FAMILIES_EDIT
    )
    assert found == family
    assert denials() == []


def test_it_answers_404_outside_the_users_programs_and_audits_once(world, family) -> None:
    with pytest.raises(Http404):
        get_scoped_or_404(request_as(world.outsider), Family.objects.all(), family.pk)
    assert denials() == [(world.outsider.pk, None, str(family.pk))]


def test_it_answers_403_inside_the_program_without_the_capability(world, family) -> None:
    request = request_as(world.supervisor)
    assert get_scoped_or_404(request, Family.objects.all(), family.pk) == family
    with pytest.raises(PermissionDenied):
        get_scoped_or_404(request, Family.objects.all(), family.pk, capability=Cap.FAMILIES_EDIT)
    assert denials() == [(world.supervisor.pk, world.program_a.pk, str(family.pk))]
    event = AuditEvent.objects.get(action="families.family.access_denied")
    assert event.detail == {"capability": Cap.FAMILIES_EDIT}


@pytest.mark.parametrize("pk", ["abc", "", "1.5", None, "99999999"])
def test_it_answers_404_to_a_key_that_is_no_row(world, family, pk) -> None:
    with pytest.raises(Http404):
        get_scoped_or_404(request_as(world.coordinator), Family.objects.all(), pk)
    assert len(denials()) == 1


def test_it_answers_404_to_anonymous_and_inactive_people(world, family) -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Http404):
        get_scoped_or_404(request_as(AnonymousUser()), Family.objects.all(), family.pk)
    world.coordinator.is_active = False
    with pytest.raises(Http404):
        get_scoped_or_404(request_as(world.coordinator), Family.objects.all(), family.pk)
    assert [actor for actor, _program, _obj in denials()] == [None, world.coordinator.pk]


# A model whose readers are not a program's staff, and rights that come from elsewhere ----


class CreatorsOwn(ScopedQuerySet[Family]):
    """No program-wide readers: only the person who created the row sees it."""

    VIEW_CAPABILITY = ""

    def extra_scope(self, user):
        return Q(created_by=user)


class NoScope(ScopedQuerySet[Family]):
    VIEW_CAPABILITY = ""


class KeptByTheirCreator(ScopedQuerySet[Family]):
    """Read by the program's staff, but `families.edit` belongs to the creator alone, and the
    rows name no program."""

    VIEW_CAPABILITY = Cap.FAMILIES_VIEW
    PROGRAM_FIELD = ""

    def visible_to(self, user):
        return self.filter(program_id__in=program_ids_with(user, self.VIEW_CAPABILITY))

    def grants(self, user, obj, capability):
        return obj.created_by_id == user.pk


def test_an_empty_view_capability_leaves_only_the_extra_scope(world, family) -> None:
    assert family.created_by == world.coordinator
    assert list(CreatorsOwn(Family).visible_to(world.coordinator)) == [family]
    assert not CreatorsOwn(Family).visible_to(world.supervisor).exists()
    assert not NoScope(Family).visible_to(world.coordinator).exists()
    with pytest.raises(Http404):
        get_scoped_or_404(request_as(world.supervisor), CreatorsOwn(Family), family.pk)
    assert denials() == [(world.supervisor.pk, None, str(family.pk))]


def test_a_queryset_may_say_who_holds_a_capability_over_its_rows(world, family) -> None:
    rows = KeptByTheirCreator(Family)
    found = get_scoped_or_404(
        request_as(world.coordinator), rows, family.pk, capability=Cap.FAMILIES_EDIT
    )
    assert found == family
    with pytest.raises(PermissionDenied):
        get_scoped_or_404(
            request_as(world.supervisor), rows, family.pk, capability=Cap.FAMILIES_EDIT
        )
    # The refusal names no program: the rows belong to none.
    assert denials() == [(world.supervisor.pk, None, str(family.pk))]
    event = AuditEvent.objects.get(action="families.family.access_denied")
    assert event.detail == {"capability": Cap.FAMILIES_EDIT}


def test_programs_for_answers_the_programs_granting_a_capability(world) -> None:
    assert list(programs_for(world.coordinator, Cap.PROGRAM_MANAGE)) == [world.program_a]
    assert list(programs_for(world.outsider, Cap.PROGRAM_MANAGE)) == [world.program_b]
    assert not programs_for(world.supervisor, Cap.PROGRAM_MANAGE).exists()
    assert list(programs_for(world.supervisor, Cap.PROGRAM_VIEW)) == [world.program_a]


def test_no_app_writes_a_refusal_by_hand() -> None:
    """A refused access is audited by the kit alone (get_scoped_or_404, or deny where no row is
    fetched): an `access_denied` string anywhere else is a check someone wrote again."""
    import re
    from pathlib import Path

    import kindred

    root = Path(kindred.__file__).parent
    kit = root / "programs" / "access.py"
    literal = re.compile(r"""access_denied['"]""")
    offenders = [
        f"{path.relative_to(root.parent)}:{number}"
        for path in sorted(root.rglob("*.py"))
        if path != kit and "tests" not in path.parts and "testing" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if literal.search(line)
    ]
    assert offenders == [], "write refusals with programs.access.deny or get_scoped_or_404"
