# A migration of its own: PostgreSQL alters a table only without pending row updates.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("families", "0006_caregiver_language_codes"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="caregiver",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "preferred_language__in",
                        (
                            "en", "es", "ase", "am", "ar", "hy", "bn", "my", "yue", "zh", "prs",
                            "fr", "de", "el", "gu", "ht", "he", "hi", "hmn", "it", "ja", "quc",
                            "km", "ko", "lo", "mam", "cmn", "mh", "nv", "ne", "om", "ps", "fa",
                            "pl", "pt", "pa", "ro", "ru", "so", "sw", "tl", "ti", "tr", "uk",
                            "ur", "vi", "other",
                        ),
                    )
                ),
                name="families_caregiver_language_known",
            ),
        ),
    ]
