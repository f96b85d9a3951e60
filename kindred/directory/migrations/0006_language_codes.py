"""Directory languages become codes of the one list (kindred.lib.languages): a service's
searchable codes and its HSDS language records ("eng", "Spanish", "zh-Hant" -> en, es, zh)."""

from django.db import migrations


def to_codes(apps, schema_editor):
    from kindred.lib.languages import OTHER, english_name, normalize_language

    def known(value):
        code = normalize_language(value)
        return code if code and code != OTHER else None

    Service = apps.get_model("directory", "Service")
    Language = apps.get_model("directory", "Language")
    for service in Service.objects.exclude(language_codes="").only("pk", "language_codes"):
        codes = []
        for raw in service.language_codes.split(","):
            code = known(raw)
            if code and code not in codes:
                codes.append(code)
        text = f",{','.join(codes)}," if codes else ""
        if text != service.language_codes:
            Service.objects.filter(pk=service.pk).update(language_codes=text)
    for language in Language.objects.all():
        # A language off the list stays as published (an export gives it back).
        code = known(language.code) or known(language.name)
        if code and (code != language.code or not language.name):
            language.code = code
            language.name = language.name or english_name(code)
            language.save(update_fields=["code", "name"])


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0005_service_transition"),
    ]

    operations = [
        # Codes of the one list are what the directory stored where it knew the language.
        migrations.RunPython(to_codes, migrations.RunPython.noop),
    ]
