from django.db import migrations

# PostgreSQL: the append's lock and the read of the chain's head in one round trip. Inside a
# VOLATILE function each statement takes a new snapshot (READ COMMITTED), so the head is read
# after the lock is granted and sees the row the previous holder committed. The key is
# kindred.audit.chain.LOCK_KEY ("kindred1" in ASCII).
FORWARD = """
CREATE OR REPLACE FUNCTION audit_auditevent_lock_head(OUT head_id bigint, OUT head_hash text)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7739838812307940401);
    SELECT id, row_hash INTO head_id, head_hash
        FROM audit_auditevent ORDER BY id DESC LIMIT 1;
END;
$$;
"""
BACKWARD = "DROP FUNCTION IF EXISTS audit_auditevent_lock_head();"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_auditevent_chain_constraints")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
