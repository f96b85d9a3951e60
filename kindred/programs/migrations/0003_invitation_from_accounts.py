# The Invitation model, moved from accounts with its rows (accounts.0003 renamed the table to
# programs_invitation). Only the state is created here; then the names that still say
# accounts_invitation follow the table: indexes and constraints (PostgreSQL renames them; SQLite
# rebuilds the table for the check constraint, and its indexes with it), the check constraint
# (named after its app by convention), and the content type, so the model's permissions stay.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

OLD_TABLE = 'accounts_invitation'
NEW_TABLE = 'programs_invitation'


def _name_for(schema_editor, table, name, info):
    """The name Django gives this index or constraint when it creates the table `table`."""
    if info['primary_key']:
        return f'{table}_pkey'
    column = info['columns'][0]
    if info['foreign_key']:
        to_table, to_column = info['foreign_key']
        return schema_editor._create_index_name(table, [column], suffix=f'_fk_{to_table}_{to_column}')
    if info['unique']:
        return f'{table}_{column}_key'  # PostgreSQL's own name for a column's UNIQUE
    return schema_editor._create_index_name(
        table, [column], suffix='_like' if name.endswith('_like') else ''
    )


def rename_postgresql_names(apps, schema_editor, *, old=OLD_TABLE, new=NEW_TABLE):
    """Rename the indexes, constraints and id sequence of the (already renamed) table from the
    names they got under `old` to those Django would give them under `new`."""
    connection = schema_editor.connection
    if connection.vendor != 'postgresql':
        return
    quote = schema_editor.quote_name
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, NEW_TABLE)
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [NEW_TABLE])
        (sequence,) = cursor.fetchone()
    for name, info in constraints.items():
        if not name.startswith(old) or info['check']:
            continue  # the check constraint is replaced by the operations below
        renamed = _name_for(schema_editor, new, name, info)
        if renamed == name:
            continue
        if info['index'] and not (info['primary_key'] or info['unique']):
            schema_editor.execute(f'ALTER INDEX {quote(name)} RENAME TO {quote(renamed)}')
        else:
            schema_editor.execute(
                f'ALTER TABLE {quote(NEW_TABLE)} RENAME CONSTRAINT {quote(name)} TO {quote(renamed)}'
            )
    if sequence and sequence.rsplit('.', 1)[-1].strip('"') == f'{old}_id_seq':
        schema_editor.execute(f'ALTER SEQUENCE {sequence} RENAME TO {quote(f"{new}_id_seq")}')


def restore_postgresql_names(apps, schema_editor):
    rename_postgresql_names(apps, schema_editor, old=NEW_TABLE, new=OLD_TABLE)


def move_content_type(apps, schema_editor, *, source='accounts', target='programs'):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    db = schema_editor.connection.alias
    if ContentType.objects.using(db).filter(app_label=target, model='invitation').exists():
        return
    ContentType.objects.using(db).filter(app_label=source, model='invitation').update(
        app_label=target
    )


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source='programs', target='accounts')


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_move_invitation_to_programs'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('programs', '0002_first_contact_target_validators'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Invitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254, verbose_name='e-mail address')),
                        ('role', models.CharField(max_length=20, verbose_name='role')),
                        ('token_hash', models.CharField(max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('expires_at', models.DateTimeField()),
                        ('accepted_at', models.DateTimeField(blank=True, null=True)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('accepted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('invited_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('program', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='programs.program')),
                    ],
                    options={
                        'constraints': [models.CheckConstraint(condition=models.Q(('expires_at__gt', models.F('created_at'))), name='accounts_invitation_expires_after_creation')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_postgresql_names, restore_postgresql_names),
        migrations.RemoveConstraint(
            model_name='invitation',
            name='accounts_invitation_expires_after_creation',
        ),
        migrations.AddConstraint(
            model_name='invitation',
            constraint=models.CheckConstraint(condition=models.Q(('expires_at__gt', models.F('created_at'))), name='programs_invitation_expires_after_creation'),
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
