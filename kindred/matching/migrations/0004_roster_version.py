"""The roster's version (kindred/matching/roster.py): the table, and the triggers that bump it
in the transaction of every change of an engine input, on PostgreSQL and SQLite alike.

Each trigger bumps the version of the program(s) the changed row belongs to, once each: `version + 1` and
a new random `token` (an upsert, so a program's row appears with its first change). An UPDATE
bumps only when one of the listed columns really changes (a mentor's phone or a reminder's
date does not). `tests/test_roster_cache.py` checks that the mentor columns listed here cover
`profiles.ENGINE_FIELDS`: a new engine field needs a migration recreating the mentor trigger.
"""

import secrets

import django.db.models.deletion
from django.db import migrations, models

# Mentor columns the engine reads: profiles.ENGINE_FIELDS and Mentor.objects.matchable().
MENTOR_COLUMNS = (
    "program_id",
    "status",
    "max_families",
    "active_family_count",
    "languages",
    "treatment_codes",
    "care_settings",
    "postal_code",
    "travel",
    "gender",
    "culture",
    "family_situations",
    "experience_year",
    "off_active_treatment",
    "excluded_situations",
    "full_name",
    "child_age_from",
    "child_age_to",
)
OF_MENTOR = "SELECT program_id FROM mentors_mentor WHERE id = {row}.mentor_id"
# name -> (table, watched columns, the program ids of a row `{row}` as a SELECT of program_id)
TRIGGERS = {
    "mentor": ("mentors_mentor", MENTOR_COLUMNS, "SELECT {row}.program_id AS program_id"),
    "mentor_condition": (
        "mentors_mentor_child_conditions",
        ("mentor_id", "condition_id"),
        OF_MENTOR,
    ),
    "mentor_experience": (
        "mentors_mentor_child_experiences",
        ("mentor_id", "experience_id"),
        OF_MENTOR,
    ),
    "qualification": (
        "mentors_qualification",
        ("mentor_id", "type_id", "obtained_on", "expires_on"),
        OF_MENTOR,
    ),
    "qualification_type": (
        "mentors_qualificationtype",
        ("program_id", "required_for_matching", "is_active"),
        "SELECT {row}.program_id AS program_id",
    ),
    # A condition's category is the mentors' `cat:` code; conditions are not inserted into or
    # deleted from a roster but through the mentors' links (above).
    "condition": (
        "families_condition",
        ("category_id",),
        "SELECT DISTINCT m.program_id AS program_id FROM mentors_mentor m "
        "JOIN mentors_mentor_child_conditions t ON t.mentor_id = m.id "
        "WHERE t.condition_id = {row}.id",
    ),
}
UPDATE_ONLY = {"condition"}
RANDOM = {
    "postgresql": "(random() * 4611686018427387903)::bigint",
    "sqlite": "random()",
}


def bump(vendor: str, programs: str, *rows: str) -> str:
    """The upsert bumping each program of `rows` (OLD, NEW or both: once per program)."""
    chosen = " UNION ".join(programs.format(row=row) for row in rows)
    return (
        "INSERT INTO matching_rosterversion (program_id, version, token) "
        f"SELECT s.program_id, 1, {RANDOM[vendor]} FROM ({chosen}) s "
        "WHERE s.program_id IS NOT NULL ON CONFLICT (program_id) DO UPDATE SET "
        "version = matching_rosterversion.version + 1, token = excluded.token;"
    )


def postgresql_sql(name, table, columns, programs) -> tuple[str, str]:
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
    function = f"matching_roster_{name}"
    forward = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN {bump("postgresql", programs, "OLD", "NEW")}
    ELSIF TG_OP = 'DELETE' THEN {bump("postgresql", programs, "OLD")}
    ELSE {bump("postgresql", programs, "NEW")}
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {function}_update AFTER UPDATE ON {table}
    FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {function}();
"""
    if name not in UPDATE_ONLY:
        forward += f"""
CREATE TRIGGER {function}_insert_delete AFTER INSERT OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}();
"""
    backward = f"""
DROP TRIGGER IF EXISTS {function}_update ON {table};
DROP TRIGGER IF EXISTS {function}_insert_delete ON {table};
DROP FUNCTION IF EXISTS {function}();
"""
    return forward, backward


def sqlite_sql(name, table, columns, programs) -> tuple[list[str], list[str]]:
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
    trigger = f"matching_roster_{name}"
    forward = [
        f"CREATE TRIGGER {trigger}_update AFTER UPDATE ON {table} FOR EACH ROW "
        f"WHEN {changed} BEGIN {bump('sqlite', programs, 'OLD', 'NEW')} END;"
    ]
    backward = [f"DROP TRIGGER IF EXISTS {trigger}_update;"]
    if name not in UPDATE_ONLY:
        forward += [
            f"CREATE TRIGGER {trigger}_insert AFTER INSERT ON {table} FOR EACH ROW "
            f"BEGIN {bump('sqlite', programs, 'NEW')} END;",
            f"CREATE TRIGGER {trigger}_delete AFTER DELETE ON {table} FOR EACH ROW "
            f"BEGIN {bump('sqlite', programs, 'OLD')} END;",
        ]
        backward += [
            f"DROP TRIGGER IF EXISTS {trigger}_insert;",
            f"DROP TRIGGER IF EXISTS {trigger}_delete;",
        ]
    return forward, backward


def statements(vendor: str, *, forward: bool) -> list[str]:
    out: list[str] = []
    for name, (table, columns, programs) in TRIGGERS.items():
        if vendor == "postgresql":
            there, back = postgresql_sql(name, table, columns, programs)
            out.append(there if forward else back)
        elif vendor == "sqlite":
            there_list, back_list = sqlite_sql(name, table, columns, programs)
            out += there_list if forward else back_list
    return out


def create(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, forward=True):
        schema_editor.execute(sql, params=None)
    Program = apps.get_model("programs", "Program")
    RosterVersion = apps.get_model("matching", "RosterVersion")
    RosterVersion.objects.bulk_create(
        [
            RosterVersion(program_id=pk, version=1, token=secrets.randbits(62))
            for pk in Program.objects.values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )


def drop(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, forward=False):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0003_batchrun"),
        ("programs", "0005_texts"),
        ("mentors", "0011_mentor_child_age_range"),
        ("families", "0009_texts"),
    ]

    operations = [
        migrations.CreateModel(
            name="RosterVersion",
            fields=[
                (
                    "program",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="programs.program",
                    ),
                ),
                ("version", models.PositiveBigIntegerField(default=1)),
                ("token", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
