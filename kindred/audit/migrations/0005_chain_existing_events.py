"""Chain the audit rows written before the hash chain existed, in id order.

Kindred must not run while this migration does (as for any deploy with migrations): rows that
an older process wrote now would lack their hashes.

The rows are read in pages by id (never while iterating over a cursor of the table being
updated) and their hashes written with raw SQL: on PostgreSQL the append-only trigger is
switched off for this transaction only, which only the table's owner, who runs migrations, can
do. The chain's serialisation is `kindred.audit.chain`, frozen by its VERSION, so importing it
here keeps this migration and `audit_verify` in agreement.
"""

from django.db import migrations

from kindred.audit import chain

PAGE = 5000


def forward(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    connection = schema_editor.connection
    events = AuditEvent.objects.using(connection.alias)
    if not events.filter(row_hash="").exists():
        return
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        last_id, head_hash = 0, chain.GENESIS
        while True:
            page = list(
                events.filter(id__gt=last_id)
                .order_by("id")
                .values_list("id", *chain.HASHED_FIELDS)[:PAGE]
            )
            if not page:
                break
            updates = []
            for pk, *values in page:
                row_hash = chain.row_hash(head_hash, dict(zip(chain.HASHED_FIELDS, values)))
                updates.append((head_hash, row_hash, pk))
                head_hash, last_id = row_hash, pk
            cursor.executemany(
                "UPDATE audit_auditevent SET prev_hash = %s, row_hash = %s WHERE id = %s", updates
            )
        if postgresql:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_auditevent_hash_chain_fields")]
    # Going back, the hash columns are dropped by 0004's reversal: nothing to undo here.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=False)]
