"""Mentors' languages become codes of the one list (kindred.lib.languages): American Sign
Language was "asl" here and "ase" (ISO 639-3) for families, so matching never found it."""

from django.db import migrations, models

import kindred.lib.languages


def to_codes(apps, schema_editor):
    from kindred.lib.languages import normalize_languages

    Mentor = apps.get_model("mentors", "Mentor")
    changed = []
    for mentor in Mentor.objects.only("pk", "languages").iterator(chunk_size=2000):
        codes = normalize_languages(mentor.languages or [])
        if codes != mentor.languages:
            mentor.languages = codes
            changed.append(mentor)
    Mentor.objects.bulk_update(changed, ["languages"], batch_size=1000)


def to_old_codes(apps, schema_editor):
    Mentor = apps.get_model("mentors", "Mentor")
    changed = []
    for mentor in Mentor.objects.only("pk", "languages").iterator(chunk_size=2000):
        if "ase" in (mentor.languages or []):
            mentor.languages = ["asl" if c == "ase" else c for c in mentor.languages]
            changed.append(mentor)
    Mentor.objects.bulk_update(changed, ["languages"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("mentors", "0006_transition_row_pattern"),
    ]

    operations = [
        migrations.AlterField(
            model_name="mentor",
            name="languages",
            field=models.JSONField(
                blank=True,
                default=list,
                validators=[kindred.lib.languages.validate_language_codes],
                verbose_name="languages spoken",
            ),
        ),
        migrations.RunPython(to_codes, to_old_codes),
    ]
