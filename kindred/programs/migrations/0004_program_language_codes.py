"""Programs' languages become codes of the one list (kindred.lib.languages); the settings page
took any two or three letters before, so what names no language is left out."""

from django.db import migrations, models

import kindred.lib.languages


def to_codes(apps, schema_editor):
    from kindred.lib.languages import OTHER, normalize_languages

    Program = apps.get_model("programs", "Program")
    for program in Program.objects.only("pk", "languages"):
        codes = [c for c in normalize_languages(program.languages or []) if c != OTHER]
        if codes != program.languages:
            program.languages = codes
            program.save(update_fields=["languages"])


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0003_invitation_from_accounts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="program",
            name="languages",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Codes of Kindred's list of languages (ISO 639), e.g. en, es.",
                validators=[kindred.lib.languages.validate_language_codes],
                verbose_name="languages served",
            ),
        ),
        # Codes are a subset of what was there: nothing to undo.
        migrations.RunPython(to_codes, migrations.RunPython.noop),
    ]
