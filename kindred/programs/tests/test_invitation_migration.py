"""Invitations moved from accounts to programs with their rows (accounts.0003, programs.0003)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("accounts", "0002_initial"), ("programs", "0002_first_contact_target_validators")]
AFTER = [
    ("accounts", "0003_move_invitation_to_programs"),
    ("programs", "0003_invitation_from_accounts"),
]


def migrate(targets: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def table_names() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def constraint_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, table))


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_invitations_of_a_database_migrated_before_the_move() -> None:
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate(BEFORE)
        assert "accounts_invitation" in table_names()
        User = old.get_model("accounts", "User")
        Organization = old.get_model("programs", "Organization")
        Program = old.get_model("programs", "Program")
        OldInvitation = old.get_model("accounts", "Invitation")
        inviter = User.objects.create(email="coordinator@a.test", full_name="Coordinator A")
        org = Organization.objects.create(name="Org A", slug="org-a", kind="hospital")
        program = Program.objects.create(
            organization=org, name="Program A", slug="program-a", scope="clinic"
        )
        now = timezone.now()
        kept = OldInvitation.objects.create(
            email="new@a.test",
            program=program,
            role="mentor",
            token_hash="a" * 64,
            invited_by=inviter,
            created_at=now,
            expires_at=now + timedelta(days=7),
        )

        new = migrate(AFTER)

        assert "accounts_invitation" not in table_names()
        Invitation = new.get_model("programs", "Invitation")
        moved = Invitation.objects.get(pk=kept.pk)
        assert (moved.email, moved.token_hash, moved.program_id, moved.invited_by_id) == (
            "new@a.test",
            "a" * 64,
            program.pk,
            inviter.pk,
        )
        names = constraint_names("programs_invitation")
        assert "programs_invitation_expires_after_creation" in names
        assert not [name for name in names if name.startswith("accounts_")]
        # New rows continue the numbering of the moved ones.
        later = Invitation.objects.create(
            email="later@a.test",
            program_id=program.pk,
            role="mentor",
            token_hash="b" * 64,
            invited_by_id=inviter.pk,
            created_at=now,
            expires_at=now + timedelta(days=7),
        )
        assert later.pk > kept.pk
        ContentType = new.get_model("contenttypes", "ContentType")
        assert not ContentType.objects.filter(app_label="accounts", model="invitation").exists()
    finally:
        migrate(leaves)
