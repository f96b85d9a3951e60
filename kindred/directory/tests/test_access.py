"""The directory's access wrappers, thin uses of the access kit. The directory is a shared
network: a listed service (and its organization) is read by anyone with directory.view in any
program, so out of reach means withdrawn and not curated by you; keeping an entry is for its
curators (403 for the rest of the network). Shared lists and shares belong to a program."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kindred.core.testing.access import denials
from kindred.core.testing.personas import request_as
from kindred.directory.access import (
    get_organization_for,
    get_resource_share_for,
    get_service_for,
    get_shared_list_for,
)
from kindred.directory.models import Service, ServiceStatus, SharedList
from kindred.directory.views_share import share_create
from kindred.families.tests.conftest import make_family
from kindred.programs.permissions import Cap

pytestmark = pytest.mark.django_db

SERVICE = "directory.service"


@pytest.fixture
def withdrawn(directory):
    service = directory["down"]
    Service.objects.filter(pk=service.pk).update(status=ServiceStatus.INACTIVE)
    return service


def test_a_listed_service_is_read_by_the_whole_network(world, directory) -> None:
    heart = directory["heart"]
    for persona in ("coordinator", "mentor", "evaluator", "curator", "outsider"):
        assert get_service_for(request_as(world.users[persona]), str(heart.pk)) == heart
    assert denials(SERVICE) == []


def test_a_withdrawn_service_is_404_but_for_its_curators(world, withdrawn) -> None:
    assert get_service_for(request_as(world.curator), withdrawn.pk) == withdrawn
    for user in (world.outsider, world.coordinator, AnonymousUser()):
        with pytest.raises(Http404):
            get_service_for(request_as(user), withdrawn.pk)
    assert denials(SERVICE) == [
        (world.outsider.pk, None, str(withdrawn.pk), {}),
        (world.coordinator.pk, None, str(withdrawn.pk), {}),
        (None, None, str(withdrawn.pk), {}),
    ]


def test_only_its_curators_keep_a_service(world, directory) -> None:
    heart = directory["heart"]
    assert (
        get_service_for(request_as(world.curator), heart.pk, capability=Cap.DIRECTORY_CURATE)
        == heart
    )
    with pytest.raises(PermissionDenied):
        get_service_for(request_as(world.coordinator), heart.pk, capability=Cap.DIRECTORY_CURATE)
    assert denials(SERVICE) == [
        (world.coordinator.pk, None, str(heart.pk), {"capability": Cap.DIRECTORY_CURATE})
    ]


@pytest.mark.parametrize("pk", ["not-a-uuid", "", None, "6b1f4c8e-0000-4000-8000-000000000000"])
def test_a_bad_service_key_is_404(world, directory, pk) -> None:
    with pytest.raises(Http404):
        get_service_for(request_as(world.curator), pk)
    with pytest.raises(Http404):
        get_organization_for(request_as(world.curator), pk)
    assert len(denials(SERVICE)) == 1
    assert len(denials("directory.organization")) == 1


def test_an_organization_is_read_as_its_services_are(world, directory) -> None:
    org = directory["org"]
    assert get_organization_for(request_as(world.outsider), org.pk) == org
    with pytest.raises(PermissionDenied):
        get_organization_for(request_as(world.coordinator), org.pk, capability=Cap.DIRECTORY_CURATE)
    assert (
        get_organization_for(request_as(world.curator), org.pk, capability=Cap.DIRECTORY_CURATE)
        == org
    )
    Service.objects.filter(organization=org).update(status=ServiceStatus.INACTIVE)
    assert get_organization_for(request_as(world.curator), org.pk) == org
    with pytest.raises(Http404):
        get_organization_for(request_as(world.outsider), org.pk)
    assert denials("directory.organization") == [
        (world.coordinator.pk, None, str(org.pk), {"capability": Cap.DIRECTORY_CURATE}),
        (world.outsider.pk, None, str(org.pk), {}),
    ]


@pytest.fixture
def shared_list(world):
    return SharedList.objects.create(
        program=world.program_a, name="Cardiology", created_by=world.coordinator
    )


def test_a_shared_list_belongs_to_the_current_program(world, shared_list) -> None:
    request = request_as(world.mentor, program=world.program_a)
    assert get_shared_list_for(request, str(shared_list.pk)) == shared_list
    with pytest.raises(Http404):
        get_shared_list_for(request_as(world.outsider, program=world.program_b), shared_list.pk)
    with pytest.raises(PermissionDenied):
        get_shared_list_for(request, shared_list.pk, capability=Cap.PROGRAM_MANAGE)
    with pytest.raises(Http404):
        get_shared_list_for(request, "abc")
    assert denials("directory.sharedlist") == [
        (world.outsider.pk, None, str(shared_list.pk), {}),
        (
            world.mentor.pk,
            world.program_a.pk,
            str(shared_list.pk),
            {"capability": Cap.PROGRAM_MANAGE},
        ),
        (world.mentor.pk, None, "abc", {}),
    ]


def test_a_share_needs_the_program_and_the_family_within_reach(world, directory) -> None:
    family = make_family(world)
    share = share_create(
        family=family, services=[directory["heart"]], language="en", email="", by=world.coordinator
    )
    assert get_resource_share_for(request_as(world.supervisor), str(share.pk)) == share
    with pytest.raises(Http404):
        get_resource_share_for(request_as(world.outsider), share.pk)
    # A mentor shares resources in program A, but this family is not matched to them.
    with pytest.raises(Http404):
        get_resource_share_for(request_as(world.mentor), share.pk)
    with pytest.raises(PermissionDenied):
        get_resource_share_for(request_as(world.supervisor), share.pk, capability=Cap.FAMILIES_EDIT)
    assert denials("directory.resourceshare") == [
        (world.outsider.pk, None, str(share.pk), {}),
        (
            world.supervisor.pk,
            world.program_a.pk,
            str(share.pk),
            {"capability": Cap.FAMILIES_EDIT},
        ),
    ]
    assert denials("families.family") == [(world.mentor.pk, None, str(family.pk), {})]
