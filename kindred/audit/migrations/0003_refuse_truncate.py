from django.db import migrations

# On PostgreSQL, TRUNCATE skips row triggers: a statement trigger refuses it on the audit table.
# (The application's role has no TRUNCATE right either, `manage.py db_roles`; this guards the
# owner's own sessions. Test databases, which Django empties with TRUNCATE, disable it.)
FORWARD = """
CREATE OR REPLACE FUNCTION audit_auditevent_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (TRUNCATE refused)'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditevent_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_no_truncate();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_no_truncate();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
