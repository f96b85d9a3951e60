"""Journeys in a real browser: add a family, see its story, withdraw consent; import; phone size."""

import re

import pytest

from kindred.core.testing.browser import sign_in
from kindred.core.testing.personas import build_world
from kindred.families.models import Family
from kindred.families.tests.conftest import make_family

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_adds_a_family_and_records_a_withdrawal(page, live_server) -> None:
    build_world()
    sign_in(page, live_server, "coordinator@a.test")
    page.locator("main").get_by_role("link", name="Families", exact=True).first.click()
    page.get_by_role("link", name="Add a family").click()
    page.locator("#id_caregiver-0-first_name").fill("Guadalupe")
    page.locator("#id_caregiver-0-last_name").fill("Ramírez")
    page.locator("#id_caregiver-0-relationship").select_option("mother")
    page.locator("#id_caregiver-0-phone").fill("773-555-0188")
    page.locator("#id_caregiver-0-preferred_language").select_option("es")
    page.locator("#id_child-0-first_name").fill("Ximena")
    page.locator("#id_child-0-date_of_birth").fill("2023-08-14")
    page.locator("#id_child-0-conditions").select_option(label="Tetralogy of Fallot (Q21.3)")
    page.get_by_label("Contact by the program").check()
    page.get_by_label("Share information with a mentor").check()
    page.get_by_role("button", name="Save the family").dblclick()
    page.wait_for_url(re.compile(r"/families/\d+/$"))
    assert page.get_by_role("heading", name="Ramírez family").is_visible()
    assert page.get_by_text("Tetralogy of Fallot (Q21.3)").is_visible()
    assert Family.objects.count() == 1  # a double-click saved one family

    page.get_by_role("link", name="Record consent").click()
    page.get_by_label("What for (required)").select_option("contact")
    page.get_by_label("Decision (required)").select_option("withdrawn")
    page.get_by_label("How (required)").select_option("verbal")
    page.get_by_label("Given by (required)").select_option(label="Guadalupe Ramírez")
    page.get_by_role("button", name="Record", exact=True).click()
    assert page.get_by_text("Consent recorded.").is_visible()
    assert page.get_by_text("Consent withdrawn").first.is_visible()

    # Back to the list through the menu's Families group.
    page.locator("#site-menu summary", has_text="Families").click()
    page.locator("#site-menu").get_by_role("link", name="Families", exact=True).click()
    page.get_by_label("Name, phone or e-mail").fill("ramirez")
    page.get_by_role("button", name="Search").click()
    assert page.get_by_role("link", name="Ramírez").is_visible()


def test_it_imports_a_spreadsheet_after_checking_it(page, live_server, tmp_path) -> None:
    build_world()
    path = tmp_path / "families.csv"
    path.write_text(
        "First name,Last name,Phone,Language,Child first name,DOB,Consent\n"
        "Yesenia,Flores,312-555-0177,Spanish,Gael,2021-02-03,yes\n"
        "Brittany,Olsen,312-555-0178,English,Ruby,2099-01-01,no\n"
    )
    sign_in(page, live_server, "coordinator@a.test")
    page.goto(live_server.url + "/families/import/")
    page.get_by_label("Spreadsheet (CSV or Excel .xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    assert page.get_by_text("The date of birth cannot be in the future.").first.is_visible()
    assert page.get_by_role("button", name="Import all 2 families").count() == 0
    page.get_by_role("button", name="Abandon this import").click()
    assert not Family.objects.exists()


def test_it_shows_the_family_on_a_phone(page, live_server) -> None:
    world = build_world()
    family = make_family(world)
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server, "coordinator@a.test")
    page.goto(live_server.url + family.get_absolute_url())
    assert page.get_by_role("heading", name="García family").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the family page scrolls sideways on a phone ({width}px)"
    page.goto(live_server.url + f"/families/{family.pk}/edit/")
    assert page.get_by_role("button", name="Save changes").is_visible()
