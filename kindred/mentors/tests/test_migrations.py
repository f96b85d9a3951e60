"""Migrations 0005-0006 move the mentors' status and escalation changes onto the shared
transition row without losing what the old rows said."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("mentors", "0004_constraint_messages")]
AFTER = [("mentors", "0006_transition_row_pattern")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps(transactional_db):
    apps = _migrate(BEFORE)
    yield apps
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_it_keeps_long_reasons_and_resolution_notes(old_apps) -> None:
    Program = old_apps.get_model("programs", "Program")
    Organization = old_apps.get_model("programs", "Organization")
    User = old_apps.get_model("accounts", "User")
    Mentor = old_apps.get_model("mentors", "Mentor")
    MentorStatusChange = old_apps.get_model("mentors", "MentorStatusChange")
    Escalation = old_apps.get_model("mentors", "Escalation")
    EscalationChange = old_apps.get_model("mentors", "EscalationChange")
    org = Organization.objects.create(name="Org", slug="org")
    program = Program.objects.create(organization=org, name="P", slug="p")
    user = User.objects.create(email="sup@example.test", full_name="Sup")
    mentor = Mentor.objects.create(
        program=program, full_name="M", email="m@example.test", phone="1", motivation="x"
    )
    long_reason = "Moved away. " * 60  # 720 characters: the old column had no limit
    ended = MentorStatusChange.objects.create(
        mentor=mentor, from_status="active", to_status="alumni", reason=long_reason, by=user
    )
    short = MentorStatusChange.objects.create(
        mentor=mentor, from_status="", to_status="applicant", reason="Applied"
    )
    escalation = Escalation.objects.create(
        program=program,
        mentor=mentor,
        raised_by=user,
        concern="c",
        status="resolved",
        resolved_at=timezone.now(),
        resolution_notes="Called the family.",
    )
    silent = EscalationChange.objects.create(
        escalation=escalation, from_status="open", to_status="resolved", by=user, note=""
    )

    new_apps = _migrate(AFTER)
    NewChange = new_apps.get_model("mentors", "MentorStatusChange")
    NewEscalationChange = new_apps.get_model("mentors", "EscalationChange")
    ended = NewChange.objects.get(pk=ended.pk)
    assert ended.note == long_reason
    assert len(ended.reason) == 500 and long_reason.startswith(ended.reason[:-1])
    short = NewChange.objects.get(pk=short.pk)
    assert (short.reason, short.note) == ("Applied", "")
    assert NewEscalationChange.objects.get(pk=silent.pk).note == "Called the family."
    assert (
        new_apps.get_model("mentors", "Mentor").objects.get(pk=mentor.pk).transitions.count() == 2
    )
