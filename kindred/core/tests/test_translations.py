"""Counts read in Spanish: every plural entry of every catalogue gives the forms Django's Spanish
plural rule asks for (nplurals=3: one, millions, other), so "5" is never shown in English."""

import importlib.util
import os
import shutil
from datetime import timedelta
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.translation import ngettext, npgettext

ROOT = Path(settings.BASE_DIR)
CATALOGUES = sorted(ROOT.glob("kindred/*/locale/es/LC_MESSAGES/django.po"))
DJANGO_ES = Path(django.__file__).parent / "conf/locale/es/LC_MESSAGES/django.po"


def _checker():
    spec = importlib.util.spec_from_file_location(
        "check_translations", ROOT / "scripts/check_translations.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _plural_rule(po: Path) -> str:
    header = _checker().entries(po.read_text(encoding="utf-8"))[0]["msgstr"]
    return next(p for p in header.split("\\n") if p.startswith("Plural-Forms:"))


def _plural_entries() -> list[tuple[str, dict[str, str]]]:
    checker = _checker()
    return [
        (po.parts[-5], entry)
        for po in CATALOGUES
        for entry in checker.entries(po.read_text(encoding="utf-8"))
        if "msgid_plural" in entry
    ]


def test_it_declares_the_plural_rule_django_uses_for_spanish() -> None:
    assert CATALOGUES
    for po in CATALOGUES:
        assert _plural_rule(po) == _plural_rule(DJANGO_ES), po


@pytest.mark.parametrize(("app", "entry"), _plural_entries(), ids=lambda v: str(v)[:40])
def test_it_translates_every_plural_entry_for_one_and_for_five(app, entry) -> None:
    assert all(f"msgstr[{i}]" in entry for i in range(3)), f"{app}: {entry['msgid']!r}"
    english = {1: entry["msgid"], 5: entry["msgid_plural"]}
    with translation.override("es"):
        for n in (1, 5):
            if "msgctxt" in entry:
                spanish = npgettext(entry["msgctxt"], entry["msgid"], entry["msgid_plural"], n)
            else:
                spanish = ngettext(entry["msgid"], entry["msgid_plural"], n)
            assert spanish != english[n], f"{app}: {english[n]!r} stays English for {n}"
            assert spanish == entry["msgstr[0]" if n == 1 else "msgstr[2]"]


def test_it_shows_counts_in_spanish_in_a_template_and_in_code(db) -> None:
    template = Template(
        "{% load i18n %}{% blocktranslate count counter=n %}{{ counter }} resource found"
        "{% plural %}{{ counter }} resources found{% endblocktranslate %}"
    )
    from kindred.families.models import Child

    with translation.override("es"):
        assert template.render(Context({"n": 1})) == "1 recurso encontrado"
        assert template.render(Context({"n": 5})) == "5 recursos encontrados"
        child = Child(date_of_birth=timezone.localdate() - timedelta(days=366 * 5 + 2))
        assert child.age_label() == "5 años"
        child.date_of_birth = timezone.localdate() - timedelta(days=40)
        assert child.age_label() == "1 mes"


def test_the_translation_check_refuses_a_plural_entry_short_of_forms(tmp_path) -> None:
    if shutil.which("msgfmt") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("GNU gettext (msgfmt) is missing under CI")
        pytest.skip("GNU gettext (msgfmt) is not installed")
    po = tmp_path / "django.po"
    header = CATALOGUES[0].read_text(encoding="utf-8").split("\n\n")[0]
    po.write_text(
        header + '\n\nmsgid "%(n)s row"\nmsgid_plural "%(n)s rows"\n'
        'msgstr[0] "%(n)s fila"\nmsgstr[1] "%(n)s filas"\n',
        encoding="utf-8",
    )
    errors = _checker().msgfmt_errors(po)
    assert any("plural forms" in line for line in errors), errors
    po.write_text(po.read_text(encoding="utf-8") + 'msgstr[2] "%(n)s filas"\n', encoding="utf-8")
    assert _checker().msgfmt_errors(po) == []
