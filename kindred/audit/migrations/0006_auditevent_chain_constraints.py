import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_chain_existing_events")]

    operations = [
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    django.db.models.lookups.Exact(
                        django.db.models.functions.text.Length("prev_hash"), 64
                    ),
                    django.db.models.lookups.Exact(
                        django.db.models.functions.text.Length("row_hash"), 64
                    ),
                ),
                name="audit_auditevent_hashes_set",
            ),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                fields=("prev_hash",), name="audit_auditevent_one_successor"
            ),
        ),
    ]
