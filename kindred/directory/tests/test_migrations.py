"""The status changes a service kept as events become its transition rows, every one kept."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("directory", "0004_organization_logo")]
AFTER = [("directory", "0005_service_transition")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_it_carries_the_status_events_over_to_transition_rows(world) -> None:
    old = _migrate(BEFORE)
    steward = old.get_model("programs", "Organization").objects.get(pk=world.org_a.pk)
    organization = old.get_model("directory", "Organization").objects.create(
        steward=steward, name="Heart network", description="Parents"
    )
    service = old.get_model("directory", "Service").objects.create(
        organization=organization, name="Heart group", status="inactive"
    )
    Event = old.get_model("directory", "ServiceEvent")
    start = timezone.now() - timedelta(days=10)
    curator_id = world.users["curator"].pk
    for day, kind, before, after, reason in [
        (0, "verified", "", "created", ""),
        (1, "published", "inactive", "active", ""),
        (2, "status_changed", "active", "defunct", ""),
        (3, "status_changed", "defunct", "defunct", "Saved again"),
        (4, "status_changed", "defunct", "active", "Mistake"),
        (5, "unpublished", "active", "inactive", ""),
    ]:
        Event.objects.create(
            service=service,
            kind=kind,
            from_value=before,
            to_value=after,
            reason=reason,
            by_id=curator_id,
            at=start + timedelta(days=day),
        )
    try:
        new = _migrate(AFTER)
        rows = list(
            new.get_model("directory", "ServiceTransition")
            .objects.filter(service_id=service.pk)
            .order_by("at")
            .values_list("from_status", "to_status", "reason", "via", "by_id")
        )
        assert rows == [
            ("inactive", "active", "", "program", curator_id),
            ("active", "defunct", "(not recorded)", "curator", curator_id),
            ("", "defunct", "Saved again", "curator", curator_id),
            ("defunct", "active", "Mistake", "curator", curator_id),
            ("active", "inactive", "", "program", curator_id),
        ]
        kept = new.get_model("directory", "ServiceEvent").objects.filter(service_id=service.pk)
        assert list(kept.values_list("kind", flat=True)) == ["verified"]
        # And back: the events are as they were (a re-save's "from" is its status).
        back = _migrate(BEFORE)
        events = back.get_model("directory", "ServiceEvent").objects.filter(service_id=service.pk)
        assert sorted(events.values_list("kind", "from_value", "to_value", "reason")) == sorted(
            [
                ("verified", "", "created", ""),
                ("published", "inactive", "active", ""),
                ("status_changed", "active", "defunct", ""),
                ("status_changed", "defunct", "defunct", "Saved again"),
                ("status_changed", "defunct", "active", "Mistake"),
                ("unpublished", "active", "inactive", ""),
            ]
        )
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
