"""The one list of languages Kindred knows: a caregiver's preferred language, the languages a
mentor speaks, the languages a program serves and a directory service's languages are codes from
it, so matching and search compare like with like (P2P USA practice: programs match on language).

Codes are ISO 639: the two-letter 639-1 code where one exists, else the 639-3 code (`ase`
American Sign Language, `hmn` Hmong, `yue` Cantonese, `cmn` Mandarin, `prs` Dari, `mam` Mam).
HSDS 3.0 `language.code` takes ISO 639-1 or 639-3 codes, and the primary subtag of a BCP 47 tag
(FHIR `communication.language`) is the same code, so both map without a table. `other` is the
one code outside ISO 639: a language not on the list, so that nobody is left without a choice.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

OTHER = "other"


@dataclass(frozen=True)
class Language:
    code: str
    name: Promise
    # Other spellings seen in spreadsheets, the old lists and imports: ISO 639-2/3 codes,
    # English, Spanish and native names (compared without accents or case).
    aliases: tuple[str, ...] = ()


# The languages US pediatric programs meet most (interpreter services' top languages), with the
# two a program works in first. Names carry a context so they never change another app's
# translation of the same English word.
LANGUAGES: tuple[Language, ...] = (
    Language("en", pgettext_lazy("language", "English"), ("eng", "ingles", "inglés")),
    Language("es", pgettext_lazy("language", "Spanish"), ("spa", "espanol", "castellano")),
    Language(
        "ase",
        pgettext_lazy("language", "American Sign Language"),
        (
            "asl",
            "sgn-us",
            "sign language",
            "lengua de senas",
            "lenguaje de senas",
            "lengua de senas americana",
        ),
    ),
    Language("am", pgettext_lazy("language", "Amharic"), ("amh", "amarico", "amharigna")),
    Language("ar", pgettext_lazy("language", "Arabic"), ("ara", "arabe", "العربية")),
    Language("hy", pgettext_lazy("language", "Armenian"), ("hye", "arm", "armenio")),
    Language("bn", pgettext_lazy("language", "Bengali"), ("ben", "bangla", "bengali")),
    Language("my", pgettext_lazy("language", "Burmese"), ("mya", "bur", "birmano", "myanmar")),
    Language("yue", pgettext_lazy("language", "Cantonese"), ("cantones", "廣東話", "粵語")),
    Language("zh", pgettext_lazy("language", "Chinese"), ("zho", "chi", "chino", "中文")),
    Language("prs", pgettext_lazy("language", "Dari"), ("dari", "persian dari")),
    Language("fr", pgettext_lazy("language", "French"), ("fra", "fre", "frances", "francais")),
    Language("de", pgettext_lazy("language", "German"), ("deu", "ger", "aleman", "deutsch")),
    Language("el", pgettext_lazy("language", "Greek"), ("ell", "gre", "griego")),
    Language("gu", pgettext_lazy("language", "Gujarati"), ("guj", "guyarati")),
    Language(
        "ht",
        pgettext_lazy("language", "Haitian Creole"),
        ("hat", "haitian", "creole", "kreyol", "kreyol ayisyen", "criollo haitiano"),
    ),
    Language("he", pgettext_lazy("language", "Hebrew"), ("heb", "hebreo")),
    Language("hi", pgettext_lazy("language", "Hindi"), ("hin",)),
    Language("hmn", pgettext_lazy("language", "Hmong"), ("mww", "hnj", "hmoob")),
    Language("it", pgettext_lazy("language", "Italian"), ("ita", "italiano")),
    Language("ja", pgettext_lazy("language", "Japanese"), ("jpn", "japones", "日本語")),
    Language("quc", pgettext_lazy("language", "K’iche’"), ("kiche", "k'iche'", "quiche")),
    Language("km", pgettext_lazy("language", "Khmer"), ("khm", "cambodian", "jemer")),
    Language("ko", pgettext_lazy("language", "Korean"), ("kor", "coreano", "한국어")),
    Language("lo", pgettext_lazy("language", "Lao"), ("lao", "laotian", "laosiano")),
    Language("mam", pgettext_lazy("language", "Mam"), ()),
    Language(
        "cmn",
        pgettext_lazy("language", "Mandarin"),
        ("mandarin", "mandarin chinese", "putonghua", "普通话"),
    ),
    Language("mh", pgettext_lazy("language", "Marshallese"), ("mah", "marshales")),
    Language("nv", pgettext_lazy("language", "Navajo"), ("nav", "dine bizaad")),
    Language("ne", pgettext_lazy("language", "Nepali"), ("nep", "nepali", "nepalés")),
    Language("om", pgettext_lazy("language", "Oromo"), ("orm", "afaan oromoo")),
    Language("ps", pgettext_lazy("language", "Pashto"), ("pus", "pashtu", "pastun")),
    Language("fa", pgettext_lazy("language", "Persian (Farsi)"), ("fas", "per", "farsi", "persa")),
    Language("pl", pgettext_lazy("language", "Polish"), ("pol", "polaco", "polski")),
    Language("pt", pgettext_lazy("language", "Portuguese"), ("por", "portugues")),
    Language("pa", pgettext_lazy("language", "Punjabi"), ("pan", "panjabi", "panyabi")),
    Language("ro", pgettext_lazy("language", "Romanian"), ("ron", "rum", "rumano")),
    Language("ru", pgettext_lazy("language", "Russian"), ("rus", "ruso", "русский")),
    Language("so", pgettext_lazy("language", "Somali"), ("som", "somali", "soomaali")),
    Language("sw", pgettext_lazy("language", "Swahili"), ("swa", "kiswahili", "suajili")),
    Language("tl", pgettext_lazy("language", "Tagalog"), ("tgl", "fil", "filipino", "tagalo")),
    Language("ti", pgettext_lazy("language", "Tigrinya"), ("tir", "tigrina")),
    Language("tr", pgettext_lazy("language", "Turkish"), ("tur", "turco")),
    Language("uk", pgettext_lazy("language", "Ukrainian"), ("ukr", "ucraniano")),
    Language("ur", pgettext_lazy("language", "Urdu"), ("urd",)),
    Language("vi", pgettext_lazy("language", "Vietnamese"), ("vie", "vietnamita", "tieng viet")),
    Language(
        OTHER, pgettext_lazy("language", "Other language"), ("other", "otro", "otra", "otro idioma")
    ),
)

LANGUAGE_CODES: tuple[str, ...] = tuple(lang.code for lang in LANGUAGES)
# The languages families and mentors share with the program's staff: listed first.
FIRST = ("en", "es", "ase")
# ISO 639-3 macrolanguages on the list and their members on the list: a family that says
# "Chinese" may be matched with a mentor who speaks Cantonese or Mandarin.
MACROLANGUAGES = {"zh": ("yue", "cmn"), "fa": ("prs",)}

# Words around a language name in a spreadsheet cell ("Spanish only", "Chinese - Cantonese").
_NOISE = re.compile(r"\b(only|language|speaking|speaker|spoken|dialect|solamente|solo)\b")
_SEPARATORS = re.compile(r"\s*(?:/|,|;|&|\+|\s-\s|\band\b|\by\b)\s*")


def _key(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().replace("_", "-").replace("’", "'").split())


@cache
def _lookup() -> dict[str, str]:
    """Every spelling of every language, built on first use (translations need the apps ready):
    codes, aliases and the names in each interface language."""
    found: dict[str, str] = {}
    for lang in LANGUAGES:
        names = []
        for interface, _label in settings.LANGUAGES:
            with translation.override(interface):
                names.append(str(lang.name))
        for alias in (lang.code, *lang.aliases, *names):
            found.setdefault(_key(alias), lang.code)
    return found


def _one(key: str) -> str | None:
    lookup = _lookup()
    if key in lookup:
        return lookup[key]
    # A BCP 47 tag: es-MX, en-US, zh-Hant, zh-yue (extended language subtag), sgn-ase.
    parts = key.split("-")
    if len(parts) > 1 and re.fullmatch(r"[a-z]{2,3}", parts[0]):
        if len(parts[1]) == 3 and parts[1] in LANGUAGE_CODES:
            return parts[1]
        if parts[0] in LANGUAGE_CODES:
            return parts[0]
    return None


def normalize_language(value: object) -> str | None:
    """The code of a language named or coded in `value` ("Spanish", "español", "es-MX", "spa",
    "ASL", "Chinese (Cantonese)"), or None when it names no language of the list.

    "ESL" is not guessed: in a spreadsheet it says the family is learning English, not which
    language they speak (and `esl` is Egyptian Sign Language in ISO 639-3). A cell naming
    several languages ("Spanish/English") gives the first one it names.
    """
    if value is None:
        return None
    key = _key(str(value))
    if not key:
        return None
    found = _one(key)
    if found:
        return found
    # The more specific name in parentheses first: "Chinese (Cantonese)" is Cantonese.
    inner = re.findall(r"\(([^)]*)\)", key)
    outer = re.sub(r"\([^)]*\)", " ", key)
    for candidate in [*inner, outer]:
        candidate = " ".join(_NOISE.sub(" ", candidate).split())
        found = _one(candidate)
        if found:
            return found
        for part in _SEPARATORS.split(candidate):
            found = _one(part.strip(" -"))
            if found:
                return found
    return None


def normalize_languages(values: str | Iterable[object]) -> list[str]:
    """Every language named in `values` (a cell like "English, Spanish" or a list), as codes,
    each once, in the order given; what names no language is left out."""
    items = _SEPARATORS.split(values) if isinstance(values, str) else list(values)
    codes: list[str] = []
    for item in items:
        code = normalize_language(item)
        if code and code not in codes:
            codes.append(code)
    return codes


def language_name(code: str) -> str:
    """The language's name in the active language; an unknown code is shown as it is."""
    lang = _by_code().get(code)
    return code if lang is None else str(lang.name)


@cache
def _by_code() -> dict[str, "Language"]:
    return {lang.code: lang for lang in LANGUAGES}


def english_name(code: str) -> str:
    """The name in English, for data that leaves Kindred (HSDS `language.name`)."""
    with translation.override("en"):
        return language_name(code)


def language_choices() -> list[tuple[str, str]]:
    """(code, name) for forms and model choices: the program's working languages first, then
    the others by their name in the active language, "Other language" last."""
    # Sorted once per process and language (about 2,000 names: a page asked for them a
    # couple of dozen times, each sort a few milliseconds).
    return list(_choices_in(translation.get_language() or "en"))


@cache
def _choices_in(language: str) -> tuple[tuple[str, str], ...]:
    with translation.override(language):
        return tuple(_sorted_choices())


def _sorted_choices() -> list[tuple[str, str]]:
    first = [(code, language_name(code)) for code in FIRST]
    rest = sorted(
        ((lang.code, str(lang.name)) for lang in LANGUAGES if lang.code not in {*FIRST, OTHER}),
        key=lambda choice: _key(choice[1]),
    )
    return [*first, *rest, (OTHER, language_name(OTHER))]


def spoken_language_choices() -> list[tuple[str, str]]:
    """The choices without "Other language": what a mentor or a service offers is named."""
    return [choice for choice in language_choices() if choice[0] != OTHER]


def validate_language_code(value: str) -> None:
    if value not in LANGUAGE_CODES:
        raise ValidationError(
            _("“%(value)s” is not a language of Kindred's list."),
            code="invalid_language",
            params={"value": value},
        )


def validate_language_codes(values: object) -> None:
    if not isinstance(values, list | tuple):
        raise ValidationError(_("Give the languages as a list."), code="invalid_languages")
    for value in values:
        validate_language_code(str(value))


def related_codes(code: str) -> set[str]:
    """The code, its macrolanguage and the macrolanguage's members: who can talk together."""
    if not code or code == OTHER:
        return set()
    related = {code}
    for macro, members in MACROLANGUAGES.items():
        if code == macro or code in members:
            related |= {macro, *members}
    # Two members of a macrolanguage do not understand each other (Cantonese is not Mandarin).
    if code not in MACROLANGUAGES:
        related -= {m for members in MACROLANGUAGES.values() for m in members} - {code}
    return related


def same_language(a: str, b: str) -> bool:
    """Whether two people with these codes share a language; "other" matches nothing, since
    two languages off the list need not be the same one."""
    return b in related_codes(a)


def shares_language(codes: Iterable[str], other_codes: Iterable[str]) -> bool:
    theirs = list(other_codes)
    return any(same_language(a, b) for a in codes for b in theirs)
