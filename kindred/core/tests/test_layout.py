"""The base layout: the menu grouped by task, the program's title for its mentors in it, the
favicon, and templates that use the stylesheet's classes instead of inline styles."""

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kindred.core.context_processors import all_nav_items
from kindred.lib import nav
from kindred.lib.nav import NavItem
from kindred.lib.titles import plural

TEMPLATES = sorted(Path(__file__).resolve().parents[2].glob("*/templates/**/*.html"))


def test_it_keeps_styles_in_the_stylesheet() -> None:
    assert len(TEMPLATES) > 50
    # A standalone document (the resource folder, printed to PDF) carries its own <style>.
    inline = [
        str(path)
        for path in TEMPLATES
        if "/email/" not in str(path)
        and (
            re.search(r"\sstyle=", text := path.read_text())
            or ("<style" in text and "{% extends" in text)
        )
    ]
    assert not inline, f"inline styles (use kindred.css classes): {inline}"


def test_it_files_an_entry_without_a_group_under_more() -> None:
    item = NavItem("Surveys", "core:home", None)
    assert item.group is nav.MORE
    # Every existing app names its group.
    assert all(entry.group is not nav.MORE for entry in all_nav_items())


@pytest.mark.parametrize(
    ("title", "language", "expected"),
    [
        ("Family Partner", "en", "Family Partners"),
        ("Parent Mentor", "en", "Parent Mentors"),
        ("Veteran Parents", "en", "Veteran Parents"),
        ("Peer Buddy", "en", "Peer Buddies"),
        ("Compañera de Familia", "es", "Compañeras de Familia"),
        ("Madre Mentora", "es", "Madres Mentoras"),
        ("Mentor", "es", "Mentores"),
        ("Padre Veterano", "es", "Padres Veteranos"),
    ],
)
def test_it_names_the_mentors_in_the_plural(title: str, language: str, expected: str) -> None:
    assert plural(title, language) == expected


@given(st.text(alphabet=st.characters(categories=["L", "Zs"]), max_size=40))
def test_a_plural_title_is_never_shorter_and_keeps_its_words(title: str) -> None:
    for language in ("en", "es"):
        result = plural(title, language)
        assert len(result) >= len(" ".join(title.split()))
        assert len(result.split()) == len(title.split())


def test_it_groups_the_menu_by_task_with_the_programs_title(world) -> None:
    world.program_a.mentor_title = "Family Partner"
    world.program_a.save()
    text = world.client("coordinator").get("/").content.decode()
    menu = text[text.index('id="site-menu"') : text.index("</header>")]
    summaries = re.findall(r"<summary>([^<]+)</summary>", menu)
    # "My work" (logging a contact, my follow-ups) comes first for whoever logs contacts.
    assert [s for s in summaries if s != "My work"][:7] == [
        "Menu",
        "Referrals",
        "Families",
        "Family Partners",
        "Directory",
        "Reports",
        "Program settings",
    ]
    assert "Veteran parents" not in menu
    # The language switch and signing out are in the menu too (one Menu button on a phone).
    assert 'id="language-switch"' in menu and "Sign out" in menu
    referrer_menu = world.client("referrer").get("/").content.decode()
    assert "<summary>Program settings</summary>" not in referrer_menu


def test_it_serves_a_favicon(world) -> None:
    client = world.client("coordinator")
    text = client.get("/").content.decode()
    assert 'rel="icon"' in text
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("kindred/favicon.svg")
