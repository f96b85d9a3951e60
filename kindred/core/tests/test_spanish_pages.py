"""Every page a persona reaches, read in Spanish, shows no English sentence of Kindred's
catalogues: a string left out of translation (`gettext` forgotten, a count formatted outside
`ngettext`, a default chosen in English) is caught where people would see it."""

import html
import re
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from kindred.core.testing.personas import PERSONAS, build_world
from kindred.core.tests.test_permission_walk import all_routes, body, walk_modules
from kindred.core.tests.test_translations import _checker

CATALOGUES = sorted(Path(settings.BASE_DIR).glob("kindred/*/locale/es/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"(%\(\w+\)[sd]|%[sd]|\{\w+\})")
# A count (`%(n)d`, blocktranslate's `counter`) is a number on the page.
NUMBER = re.compile(r"%\(counter\)s|%\(\w+\)d|%d")
# The literal text a pattern must hold to be worth looking for: a phrase, not a word that
# people's own data may hold; next to a number, a word is enough ("16 months").
MIN_LITERAL = 12
MIN_LITERAL_WITH_NUMBER = 4
# Pages in English on purpose while the reader's language is Spanish.
ENGLISH_ON_PURPOSE = {
    "directory:shared_page": "a family's resource folder, in the language chosen for the family",
    "families:vocabulary": "the program's lists show each entry's English and Spanish names",
    "surveys:public": "a survey's pages speak the language the family was asked in",
    "surveys:public_thanks": "a survey's pages speak the language the family was asked in",
    "surveys:public_decline": "a survey's pages speak the language the family was asked in",
}


def _pattern(msgid: str) -> re.Pattern[str] | None:
    text = msgid.replace("\\n", " ").replace('\\"', '"')
    parts = PLACEHOLDER.split(text)
    literals, holders = parts[0::2], parts[1::2]
    longest = max(len(p.strip()) for p in literals)
    numeric = any(NUMBER.fullmatch(h) for h in holders)
    if numeric and longest >= MIN_LITERAL_WITH_NUMBER:
        pass
    elif longest < MIN_LITERAL or len(text.split()) < 3:
        return None
    regex = re.escape(literals[0])
    for holder, literal in zip(holders, literals[1:], strict=True):
        regex += (r"\d[\d,.]*" if NUMBER.fullmatch(holder) else r".{1,40}?") + re.escape(literal)
    regex = r"(?<![\w-])" + re.sub(r"(\\ )+", r"\\s+", regex) + r"(?![\w-])"
    return re.compile(regex)


@cache
def english_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(msgid, pattern) of every catalogue entry whose Spanish differs from its English, the
    plural forms included; placeholders match the values put in them."""
    checker = _checker()
    found: dict[str, re.Pattern[str]] = {}
    for po in CATALOGUES:
        for entry in checker.entries(po.read_text(encoding="utf-8")):
            spanish = [v for k, v in entry.items() if k.startswith("msgstr")]
            for key in ("msgid", "msgid_plural"):
                english = entry.get(key, "")
                if not english or english in spanish or english in found:
                    continue
                pattern = _pattern(english)
                if pattern is not None:
                    found[english] = pattern
    return tuple(found.items())


def visible_text(page: str) -> str:
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    # Endonyms of the language switch and of language choices are English on purpose.
    page = re.sub(r'(?is)<[^>]+\blang="en"[^>]*>.*?</', " ", page)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def english_in(page: str) -> list[str]:
    text = visible_text(page)
    return [msgid for msgid, pattern in english_patterns() if pattern.search(text)]


def test_it_finds_english_left_in_a_spanish_page() -> None:
    # Counts, pluralised, with their numbers in them.
    page = "<main><p>Leo (16 months)</p><h2>17 resources found</h2></main>"
    assert set(english_in(page)) == {"%(n)d months", "%(counter)s resources found"}
    assert english_in("<p>Leo (16 meses)</p><h2>17 recursos encontrados</h2>") == []
    # A formatted sentence, with a value put in it.
    assert "Invitation sent to %(email)s." in english_in("<p>Invitation sent to a@b.test.</p>")
    # A word of people's own data is not a sentence of the catalogue.
    assert english_in("<td>Months</td><td>Resources</td>") == []


@pytest.mark.django_db
def test_every_page_reads_in_spanish() -> None:
    world = build_world()
    for module in walk_modules():
        if hasattr(module, "setup"):
            module.setup(world)
    for user in world.users.values():
        user.language = "es"
        user.save(update_fields=["language"])
    clients = {p: world.client(p) for p in PERSONAS}
    for client in clients.values():
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    failures = []
    seen = 0
    for route in all_routes():
        if route.method != "GET" or route.name in ENGLISH_ON_PURPOSE:
            continue
        kwargs = route.kwargs(world) if route.kwargs else {}
        url = reverse(route.name, kwargs=kwargs) + (
            f"?{route.query_for(world)}" if route.query else ""
        )
        for persona in sorted(route.allowed)[:2]:
            response = clients[persona].get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            seen += 1
            left = english_in(body(response))
            if left:
                failures.append(f"{url} as {persona}: {left[:5]}")
    assert seen > 50
    assert not failures, "English in Spanish pages:\n" + "\n".join(failures)
