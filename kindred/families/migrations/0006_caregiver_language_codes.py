"""Caregivers' preferred languages become codes of the one list (kindred.lib.languages), and the
family's language search column is written " en es " so a search for one code finds only it."""

from django.db import migrations, models

import kindred.lib.languages


def to_codes(apps, schema_editor):
    from kindred.lib.languages import OTHER, normalize_language

    Caregiver = apps.get_model("families", "Caregiver")
    Family = apps.get_model("families", "Family")
    for value in set(Caregiver.objects.values_list("preferred_language", flat=True)):
        code = normalize_language(value) or ("en" if not (value or "").strip() else OTHER)
        if code != value:
            Caregiver.objects.filter(preferred_language=value).update(preferred_language=code)
    spoken = {}
    for family_id, code in Caregiver.objects.filter(is_active=True).values_list(
        "family_id", "preferred_language"
    ):
        spoken.setdefault(family_id, set()).add(code)
    changed = []
    for family in Family.objects.only("pk", "languages").iterator(chunk_size=2000):
        joined = " ".join(sorted(spoken.get(family.pk, ())))
        text = f" {joined} "[:60] if joined else ""
        if family.languages != text:
            family.languages = text
            changed.append(family)
    Family.objects.bulk_update(changed, ["languages"], batch_size=1000)


def to_plain_search_column(apps, schema_editor):
    # The caregivers' codes are kept: the old field took any text. Only the column's spacing
    # goes back.
    Family = apps.get_model("families", "Family")
    changed = []
    for family in Family.objects.exclude(languages="").only("pk", "languages").iterator():
        family.languages = family.languages.strip()
        changed.append(family)
    Family.objects.bulk_update(changed, ["languages"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("families", "0005_import_transitions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="caregiver",
            name="preferred_language",
            field=models.CharField(
                choices=kindred.lib.languages.language_choices,
                default="en",
                max_length=8,
                verbose_name="preferred language",
            ),
        ),
        migrations.RunPython(to_codes, to_plain_search_column),
    ]
