"""The condition picker's words: lay words and synonyms in English and Spanish find a coded
condition; the plain list (no JavaScript) carries them."""

import unicodedata

import pytest
from django.urls import reverse

from kindred.families.models import Condition
from kindred.referrals.condition_words import words_for

pytestmark = pytest.mark.django_db


def fold(text: str) -> str:
    """As the picker's script matches: no case, no accents."""
    return "".join(
        c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn"
    ).lower()


def finds(term: str) -> set[str]:
    return {
        c.code
        for c in Condition.objects.select_related("category")
        if fold(term) in fold(words_for(c))
    }


@pytest.mark.parametrize("term", ["preemie", "premature", "prematuro", "Prematuro", "UCIN"])
def test_lay_words_find_preterm_newborn(term) -> None:
    assert "P07.30" in finds(term)


@pytest.mark.parametrize(
    ("term", "code"),
    [("trach", "Z93.0"), ("sonda", "Z93.1"), ("cardiopatia", "Q21.3"), ("trisomia 21", "Q90.9")],
)
def test_other_lay_words_find_their_condition(term, code) -> None:
    assert code in finds(term)


def test_a_word_finds_nothing_unrelated() -> None:
    assert "Q90.9" not in finds("preemie")


def test_the_plain_list_carries_the_words_and_the_script(world) -> None:
    page = world.client("referrer").get(reverse("referrals:new")).content.decode()
    assert "data-condition-picker" in page and "condition-picker.js" in page
    assert 'data-words="P07.30' in page and "preemie" in page
    public = world.client("anonymous").get(
        reverse("referrals:self_refer", args=[world.program_a.slug])
    )
    assert "prematuro" in public.content.decode()
