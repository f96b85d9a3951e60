from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_refuse_truncate")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="previous row's hash"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="row_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="hash"),
            preserve_default=False,
        ),
    ]
