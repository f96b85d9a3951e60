"""The directory entry of a listed group follows its places: a registration that takes the last
place marks the service "waitlist" in the same transaction, a cancellation frees it again."""

import pytest
from django.db import transaction

from kindred.directory.models import Capacity, Service
from kindred.groups import directory_sync
from kindred.groups.services import (
    group_capacity_changed,
    registration_cancel,
    registration_create,
)
from kindred.groups.tests.factories import make_family, make_group

pytestmark = pytest.mark.django_db


def _service(group) -> Service:
    return Service.objects.get(pk=directory_sync.service_id(group))


@pytest.fixture
def listed(world):
    group = make_group(world.program_a, world.coordinator, capacity=1)
    directory_sync.group_changed(group, by=world.coordinator, request=None)
    assert _service(group).capacity == Capacity.OPEN
    return group


def test_the_last_place_taken_marks_the_service_full_and_a_cancellation_opens_it(
    world, listed
) -> None:
    ames, baker = (make_family(world.program_a, world.coordinator, n) for n in ("Ames", "Baker"))
    first = registration_create(group=listed, family=ames, by=world.coordinator)
    assert _service(listed).capacity == Capacity.WAITLIST
    second = registration_create(group=listed, family=baker, by=world.coordinator)
    assert second.status == "waitlisted"
    # The first leaves: Baker is promoted, the group is full again.
    registration_cancel(registration=first, by=world.coordinator, reason="Moved")
    assert _service(listed).capacity == Capacity.WAITLIST
    second.refresh_from_db()
    registration_cancel(registration=second, by=world.coordinator, reason="Moved")
    assert _service(listed).capacity == Capacity.OPEN


def test_more_places_open_the_service(world, listed) -> None:
    ames = make_family(world.program_a, world.coordinator, "Ames")
    registration_create(group=listed, family=ames, by=world.coordinator)
    assert _service(listed).capacity == Capacity.WAITLIST
    listed.capacity = 3
    listed.save(update_fields=["capacity"])
    group_capacity_changed(group=listed, by=world.coordinator, request=None)
    assert _service(listed).capacity == Capacity.OPEN


def test_it_changes_with_the_registration_or_not_at_all(world, listed) -> None:
    ames = make_family(world.program_a, world.coordinator, "Ames")
    with pytest.raises(RuntimeError), transaction.atomic():
        registration_create(group=listed, family=ames, by=world.coordinator)
        assert _service(listed).capacity == Capacity.WAITLIST
        raise RuntimeError("rolled back")
    assert _service(listed).capacity == Capacity.OPEN
    assert not listed.registrations.exists()


def test_a_group_never_listed_gets_no_service(world) -> None:
    group = make_group(world.program_a, world.coordinator, capacity=1, status="draft")
    registration_create(
        group=group, family=make_family(world.program_a, world.coordinator, "A"), by=None
    )
    assert not Service.objects.filter(pk=directory_sync.service_id(group)).exists()
