"""One list of languages (kindred.lib.languages) for families, mentors, programs and the
directory: old spellings map to its codes, stored values are its codes, matching compares them."""

from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import translation

from kindred.lib.languages import (
    LANGUAGE_CODES,
    OTHER,
    language_choices,
    language_name,
    normalize_language,
    normalize_languages,
    same_language,
    shares_language,
    validate_language_codes,
)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Spanish", "es"),
        ("español", "es"),
        ("ESPAÑOL", "es"),
        ("es-MX", "es"),
        ("es_US", "es"),
        ("spa", "es"),
        ("Spanish only", "es"),
        ("Spanish/English", "es"),
        ("eng", "en"),
        ("Inglés", "en"),
        ("asl", "ase"),  # the mentors' old code
        ("ASL", "ase"),
        ("American Sign Language (ASL)", "ase"),
        ("sgn-US", "ase"),
        ("Lengua de señas americana", "ase"),
        ("zh-Hant", "zh"),
        ("zho", "zh"),
        ("Chinese (Cantonese)", "yue"),
        ("zh-yue", "yue"),
        ("Mandarin", "cmn"),
        ("Kreyòl", "ht"),
        ("Farsi", "fa"),
        ("Filipino", "tl"),
        ("Somalí", "so"),
        ("vie", "vi"),
        ("Tiếng Việt", "vi"),
        ("Hmong", "hmn"),
        ("Other", OTHER),
    ],
)
def test_it_knows_a_language_by_its_code_name_or_variant(value: str, code: str) -> None:
    assert normalize_language(value) == code


@pytest.mark.parametrize("value", ["ESL", "esl", "Klingon", "", "  ", None, "xx-YY"])
def test_it_does_not_guess_a_language_from_what_names_none(value: object) -> None:
    assert normalize_language(value) is None


def test_it_reads_every_language_of_a_cell_once_in_order() -> None:
    assert normalize_languages("English, Spanish; ASL & español") == ["en", "es", "ase"]
    assert normalize_languages(["asl", "Klingon", "vi"]) == ["ase", "vi"]


def test_it_lists_iso_639_codes_each_once() -> None:
    assert len(set(LANGUAGE_CODES)) == len(LANGUAGE_CODES)
    for code in LANGUAGE_CODES:
        # 639-1 (two letters) where one exists, else 639-3 (three); "other" is the one exception.
        assert code == OTHER or (code.isalpha() and code.islower() and len(code) in (2, 3))
    assert {"en", "es", "ase", "zh", "yue", "cmn", "vi", "so", "hmn", "ar"} <= set(LANGUAGE_CODES)


def test_it_names_languages_in_the_reader_language() -> None:
    with translation.override("es"):
        assert language_name("ase") == "Lengua de señas americana"
        choices = language_choices()
    assert [code for code, _ in choices[:3]] == ["en", "es", "ase"]
    assert choices[-1] == (OTHER, "Otro idioma")
    # After the first three, in the reader's alphabetical order (accents ignored: Árabe after
    # Amárico, before Armenio).
    names = [name for _, name in choices[3:-1]]
    assert names.index("Amárico") < names.index("Árabe") < names.index("Armenio")
    with translation.override("en"):
        assert language_name("ase") == "American Sign Language"
    assert language_name("xx") == "xx"


def test_it_refuses_codes_off_the_list() -> None:
    validate_language_codes(["en", "ase"])
    with pytest.raises(ValidationError):
        validate_language_codes(["en", "asl"])
    with pytest.raises(ValidationError):
        validate_language_codes("en")


def test_it_matches_people_on_language_codes() -> None:
    assert same_language("ase", "ase")
    assert not same_language("ase", "en")
    # A family that says "Chinese" may talk with a Cantonese or a Mandarin speaker, but a
    # Cantonese speaker and a Mandarin speaker do not share a language.
    assert same_language("zh", "yue") and same_language("cmn", "zh")
    assert not same_language("yue", "cmn")
    # Two languages off the list need not be the same one.
    assert not same_language(OTHER, OTHER)
    assert shares_language(["es"], ["en", "es"])
    assert not shares_language(["vi"], ["en", "es"])


@pytest.mark.django_db
def test_it_matches_a_family_and_a_mentor_on_their_codes(world) -> None:
    from kindred.families.tests.conftest import make_family
    from kindred.mentors.tests.factories import make_active

    family = make_family(world, caregiver={"preferred_language": "ase"})
    mentor = make_active(
        world.program_a, world.coordinator, email="signs@example.test", languages=["en", "ase"]
    )
    other = make_active(
        world.program_a, world.coordinator, email="speaks@example.test", languages=["en", "es"]
    )
    family_codes = [c.preferred_language for c in family.caregivers.all()]
    assert shares_language(family_codes, mentor.languages)
    assert not shares_language(family_codes, other.languages)


@pytest.mark.django_db
def test_it_stores_only_codes_of_the_list_in_the_demo() -> None:
    from django.core.management import call_command

    from kindred.directory.models import Language, Service
    from kindred.families.models import Caregiver
    from kindred.mentors.models import Mentor
    from kindred.programs.models import Program
    from kindred.referrals.models import Intake, Referral

    call_command("load_demo", "--quiet-logins")
    known = set(LANGUAGE_CODES)
    caregivers = set(Caregiver.objects.values_list("preferred_language", flat=True))
    assert caregivers and caregivers <= known
    mentors = {c for m in Mentor.objects.all() for c in m.languages}
    assert mentors and mentors <= known
    programs = {c for p in Program.objects.all() for c in p.languages}
    assert programs and programs <= known
    services = {c for s in Service.objects.all() for c in s.language_list}
    assert services and services <= known
    assert set(Language.objects.values_list("code", flat=True)) <= known
    assert set(Referral.objects.values_list("language", flat=True)) <= known
    intake = set(
        Intake.objects.exclude(mentor_language="").values_list("mentor_language", flat=True)
    )
    assert intake <= known


def _migration(app: str, name: str):  # type: ignore[no-untyped-def]
    return import_module(f"kindred.{app}.migrations.{name}")


@pytest.mark.django_db
def test_it_converts_the_old_values_in_the_data_migrations(world) -> None:
    from kindred.directory.models import Language, Service
    from kindred.directory.tests.factories import make_organization
    from kindred.families.models import Family
    from kindred.families.tests.conftest import make_family
    from kindred.mentors.models import Mentor
    from kindred.mentors.tests.factories import make_active
    from kindred.programs.models import Program

    # Values as the three old lists and the old settings page stored them (saved with
    # update(), as the old code did, past today's validators).
    mentor = make_active(world.program_a, world.coordinator, languages=["en"])
    Mentor.objects.filter(pk=mentor.pk).update(languages=["asl", "es", "Spanish"])
    Program.objects.filter(pk=world.program_a.pk).update(languages=["en", "spa", "xx"])
    family = make_family(world)
    Family.objects.filter(pk=family.pk).update(languages="es")
    service = Service.objects.create(
        organization=make_organization(world.org_a),
        name="Old service",
        description="d",
        language_codes=",eng,es,zh-hant,",
    )
    Language.objects.create(service=service, code="spa", name="")
    Language.objects.create(service=service, code="", name="Vietnamese")
    Language.objects.create(service=service, code="sq", name="Albanian")

    _migration("families", "0006_caregiver_language_codes").to_codes(apps, None)
    _migration("mentors", "0007_mentor_language_codes").to_codes(apps, None)
    _migration("programs", "0004_program_language_codes").to_codes(apps, None)
    _migration("directory", "0006_language_codes").to_codes(apps, None)

    family.refresh_from_db()
    assert family.languages == " es "
    mentor.refresh_from_db()
    assert mentor.languages == ["ase", "es"]
    assert Program.objects.get(pk=world.program_a.pk).languages == ["en", "es"]
    service.refresh_from_db()
    assert service.language_list == ["en", "es", "zh"]
    assert sorted(Language.objects.filter(service=service).values_list("code", "name")) == [
        ("es", "Spanish"),
        ("sq", "Albanian"),  # off the list: kept as published
        ("vi", "Vietnamese"),
    ]

    # The mentors' migration goes back to the old code.
    _migration("mentors", "0007_mentor_language_codes").to_old_codes(apps, None)
    mentor.refresh_from_db()
    assert mentor.languages == ["asl", "es"]
