"""The plural of a program's title for its mentors ("Family Partner" → "Family Partners",
"Compañera de Familia" → "Compañeras de Familia"), for headings such as the menu's.

Programs give their title in the singular; a heading names the people. The rules are the
regular ones of English and Spanish; a title already in the plural (ending in "s") is kept."""

import re

_SPANISH_VOWEL = re.compile(r"[aeiouáéíóú]$", re.IGNORECASE)
_SPANISH_LINKS = {"de", "del", "y", "e", "para", "con"}


def _english(word: str) -> str:
    lower = word.lower()
    if lower.endswith("s"):
        return word
    if lower.endswith(("x", "z", "ch", "sh")):
        return word + "es"
    if lower.endswith("y") and len(word) > 1 and lower[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _spanish(word: str) -> str:
    lower = word.lower()
    if lower.endswith("s"):
        return word
    if lower.endswith("z"):
        return word[:-1] + "ces"
    if _SPANISH_VOWEL.search(lower):
        return word + "s"
    unaccented = word.translate(str.maketrans("áéíóúÁÉÍÓÚ", "aeiouAEIOU"))
    return unaccented + "es" if lower[-2:] in {"ón", "án", "én", "ín", "ún", "és"} else word + "es"


def plural(title: str, language: str = "en") -> str:
    words = title.split()
    if not words:
        return title
    if language.startswith("es"):
        # The noun and its adjectives come before "de …": "Madre Mentora de Familias".
        out = []
        linked = False
        for word in words:
            linked = linked or word.lower() in _SPANISH_LINKS
            out.append(word if linked else _spanish(word))
        return " ".join(out)
    words[-1] = _english(words[-1])
    return " ".join(words)
