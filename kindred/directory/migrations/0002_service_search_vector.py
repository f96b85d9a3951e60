from django.db import migrations

# PostgreSQL only: a generated tsvector column (English and Spanish stemming; names weigh more
# than conditions, conditions more than descriptions) with a GIN index. Django never writes it,
# so the model does not declare it; kindred.directory.search reads it with raw SQL. SQLite has
# no such column and search falls back to substring matching there.
FORWARD = """
ALTER TABLE directory_service ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(name, '')), 'A')
    || setweight(to_tsvector('spanish', coalesce(name_es, '')), 'A')
    || setweight(to_tsvector('simple', coalesce(alternate_name, '')), 'B')
    || setweight(to_tsvector('english', coalesce(populations, '') || ' '
                 || replace(replace(conditions, ',', ' '), '_', ' ')), 'B')
    || setweight(to_tsvector('spanish', coalesce(populations, '')), 'B')
    || setweight(to_tsvector('english', coalesce(description, '')), 'C')
    || setweight(to_tsvector('spanish', coalesce(description_es, '')), 'C')
) STORED;
CREATE INDEX directory_service_search_idx ON directory_service USING GIN (search_vector);
"""
BACKWARD = """
DROP INDEX IF EXISTS directory_service_search_idx;
ALTER TABLE directory_service DROP COLUMN IF EXISTS search_vector;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
