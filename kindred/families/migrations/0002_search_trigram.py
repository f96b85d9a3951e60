"""PostgreSQL only: trigram indexes so "contains" search over 100,000 families stays fast.

The normalized search columns (Family.search_text, search_phones, search_emails) are searched
with LIKE '%...%'; pg_trgm's GIN operator class serves those. SQLite (development) skips this.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS families_search_text_trgm ON families_family USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS families_search_phones_trgm ON families_family USING gin (search_phones gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS families_search_emails_trgm ON families_family USING gin (search_emails gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS families_search_text_trgm",
    "DROP INDEX IF EXISTS families_search_phones_trgm",
    "DROP INDEX IF EXISTS families_search_emails_trgm",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("families", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
