"""A directory entry's status through the one state-change pattern (kindred.audit.states): its
table over the HSDS statuses, its reasons, verification, and a program publishing itself."""

from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from kindred.audit.models import AuditEvent
from kindred.audit.states import TransitionError
from kindred.core.testing.personas import request_as
from kindred.directory.models import Service, ServiceEvent, ServiceTransition
from kindred.directory.services import program_service_sync


@pytest.fixture
def heart(directory) -> Service:
    return directory["heart"]


def _written(service: Service) -> tuple[int, int]:
    return (
        ServiceTransition.objects.filter(service=service).count(),
        AuditEvent.objects.filter(action__startswith="directory.").count(),
    )


# --- The table ------------------------------------------------------------------------------


def test_it_pauses_withdraws_and_restores_an_entry(world, heart) -> None:
    curator = world.users["curator"]
    heart.transition(to="temporarily closed", by=curator, reason="Summer break")
    heart.transition(to="inactive", by=curator)
    heart.transition(to="active", by=curator)
    rows = list(heart.transitions.values_list("from_status", "to_status", "reason", "via"))
    assert rows == [
        ("active", "temporarily closed", "Summer break", "curator"),
        ("temporarily closed", "inactive", "", "curator"),
        ("inactive", "active", "", "curator"),
    ]
    assert Service.objects.listed().filter(pk=heart.pk).exists()


@pytest.mark.parametrize("to", ["defunct", "temporarily closed"])
def test_it_requires_a_reason_to_close_an_entry(world, heart, to) -> None:
    before = _written(heart)
    with pytest.raises(TransitionError) as refused:
        heart.transition(to=to, by=world.users["curator"], reason=" ")
    assert refused.value.code == "reason_required"
    assert _written(heart) == before and Service.objects.get(pk=heart.pk).status == "active"


def test_it_keeps_a_defunct_entry_closed_but_for_a_correction(world, heart) -> None:
    curator = world.users["curator"]
    heart.transition(to="defunct", by=curator, reason="The group ended")
    assert heart.allowed_statuses() == ["inactive"]
    before = _written(heart)
    for to in ("active", "temporarily closed"):
        with pytest.raises(TransitionError) as refused:
            heart.transition(to=to, by=curator, reason="Back again")
        assert refused.value.code == "not_allowed"
    with pytest.raises(TransitionError) as refused:
        heart.transition(to="inactive", by=curator)
    assert refused.value.code == "reason_required"
    assert _written(heart) == before and Service.objects.get(pk=heart.pk).status == "defunct"
    row = heart.transition(to="inactive", by=curator, reason="Marked defunct by mistake")
    assert (row.from_status, row.to_status) == ("defunct", "inactive")
    assert not Service.objects.listed().filter(pk=heart.pk).exists()  # listing is a second move


def test_it_enforces_the_rules_in_the_database(world, heart) -> None:
    for values in (
        {"from_status": "active", "to_status": "active"},
        {"from_status": "active", "to_status": "defunct", "reason": ""},
        {"from_status": "defunct", "to_status": "inactive", "reason": ""},
        {"from_status": "active", "to_status": "inactive", "via": "robot"},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            ServiceTransition.objects.create(service=heart, **values)


# --- Audit inside the transaction -----------------------------------------------------------


def test_it_writes_the_status_event_inside_the_change(world, heart) -> None:
    curator = world.users["curator"]
    heart.transition(to="inactive", by=curator, request=request_as(curator))
    event = AuditEvent.objects.get(action="directory.service.status_changed")
    assert (event.object_id, event.actor, event.detail) == (
        str(heart.pk),
        curator,
        {"from": "active", "to": "inactive"},
    )
    with (
        mock.patch("kindred.audit.states.record", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError),
    ):
        heart.transition(to="active", by=curator)
    assert Service.objects.get(pk=heart.pk).status == "inactive"
    assert heart.transitions.count() == 1


def test_it_verifies_with_its_event_inside_the_change(world, heart) -> None:
    curator = world.users["curator"]
    Service.objects.filter(pk=heart.pk).update(last_verified_at=None)
    events = heart.events.count()
    with (
        mock.patch("kindred.audit.states.record", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError),
    ):
        heart.verify(by=curator)
    assert Service.objects.get(pk=heart.pk).last_verified_at is None
    assert heart.events.count() == events
    heart.verify(by=curator)
    assert Service.objects.get(pk=heart.pk).last_verified_at is not None
    assert heart.events.filter(kind=ServiceEvent.Kind.VERIFIED, from_value="").count() == 2
    assert AuditEvent.objects.filter(
        action="directory.service.verified", object_id=str(heart.pk)
    ).exists()


def test_it_reads_the_locked_row_not_a_stale_copy(world, heart) -> None:
    curator = world.users["curator"]
    stale = Service.objects.get(pk=heart.pk)
    heart.transition(to="defunct", by=curator, reason="The group ended")
    # The stale copy still says "active"; the database's row says defunct, which is final.
    with pytest.raises(TransitionError):
        stale.transition(to="inactive", by=curator)
    assert stale.status == "defunct"
    row = stale.transition(to="inactive", by=curator, reason="Wrong group")
    assert row.from_status == "defunct"


# --- A program's own entry ------------------------------------------------------------------


def test_it_publishes_and_withdraws_a_programs_entry_through_the_table(world) -> None:
    coordinator = world.coordinator
    service = program_service_sync(program=world.program_a, by=coordinator, publish=True)
    program_service_sync(program=world.program_a, by=coordinator, publish=False)
    rows = list(service.transitions.values_list("from_status", "to_status", "via"))
    assert rows == [("inactive", "active", "program"), ("active", "inactive", "program")]
    events = AuditEvent.objects.filter(action="directory.service.status_changed")
    assert [e.detail["to"] for e in events.order_by("id")] == ["active", "inactive"]


def test_it_refuses_to_publish_a_defunct_entry_and_keeps_nothing(world) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kindred.directory.tests.test_views import _png

    service = program_service_sync(program=world.program_a, by=world.coordinator, publish=True)
    service.transition(to="defunct", by=world.users["curator"], reason="Program closed")
    # Unpublishing leaves a defunct entry alone: it is already unlisted.
    program_service_sync(program=world.program_a, by=world.coordinator, publish=False)
    before = _written(service)
    logo = SimpleUploadedFile("logo.png", _png(), content_type="image/png")
    response = world.client("coordinator").post(
        reverse("directory:publish"),
        {"publish": "on", "phone": "312-555-0199", "logo": logo},
    )
    assert response.status_code == 400
    assert "cannot become" in response.content.decode()
    service.refresh_from_db()
    assert service.status == "defunct" and not service.phones.exists()
    assert not service.organization.logo_image
    assert _written(service) == before


# --- The curator's page ---------------------------------------------------------------------


def test_it_shows_a_refused_status_change_again_with_400(world, heart) -> None:
    client = world.client("curator")
    url = reverse("directory:service_status", args=[heart.pk])
    before = _written(heart)
    response = client.post(url, {"status": "temporarily closed", "reason": ""})
    assert response.status_code == 400
    assert "Please give a reason" in response.content.decode()
    response = client.post(url, {"status": "active", "reason": "Still running"})
    assert response.status_code == 400  # not a move from active: not offered, not done
    assert 'value="Still running"' in response.content.decode()
    assert _written(heart) == before
    response = client.post(url, {"status": "temporarily closed", "reason": "Back in May"})
    assert response.status_code == 302
    assert heart.transitions.get().reason == "Back in May"


def test_it_refuses_status_changes_to_people_who_do_not_curate_the_entry(world, heart) -> None:
    url = reverse("directory:service_status", args=[heart.pk])
    for persona in ("outsider", "coordinator"):
        response = world.client(persona).post(url, {"status": "inactive"})
        assert response.status_code in {403, 404}
    assert not heart.transitions.exists()
    assert Service.objects.get(pk=heart.pk).status == "active"


def test_it_shows_the_history_in_spanish(world, heart) -> None:
    curator = world.users["curator"]
    heart.transition(to="inactive", by=curator, reason="En pausa")
    curator.language = "es"
    curator.save(update_fields=["language"])
    content = world.client("curator").get(reverse("directory:service", args=[heart.pk]))
    content = content.content.decode()
    assert "Estado cambiado: Inactivo" in content and "En pausa" in content
