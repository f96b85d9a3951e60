"""The directory in a real browser: search by ZIP and condition, share two resources as a PDF."""

from pathlib import Path

import pytest

from kindred.core.testing.browser import open_menu, sign_in
from kindred.core.testing.personas import build_world
from kindred.directory.models import Condition, Kind
from kindred.directory.tests.factories import make_organization, make_service, pdf_language

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_finds_resources_by_zip_and_condition_and_makes_a_pdf_folder(page, live_server) -> None:
    world = build_world()
    curator = world.users["curator"]
    org = make_organization(world.org_a)
    make_service(
        org,
        by=curator,
        name="Heart Parents Coffee Group",
        zip_code="60614",
        conditions=(Condition.HEART,),
    )
    make_service(
        org, by=curator, name="Heart Mentor Moms", zip_code="60201",
        conditions=(Condition.HEART,), kind=Kind.ONE_TO_ONE,
    )  # fmt: skip
    make_service(
        org,
        by=curator,
        name="Trisomy 21 Circle",
        zip_code="60614",
        conditions=(Condition.DOWN_SYNDROME,),
    )
    make_service(
        org,
        by=curator,
        name="Heart Families of Denver",
        zip_code="80202",
        conditions=(Condition.HEART,),
    )

    sign_in(page, live_server, "referrer@a.test")
    page.goto(live_server.url + "/directory/")
    page.get_by_label("ZIP code").fill("60614")
    page.get_by_label("Condition").select_option("heart")
    page.get_by_label("Within (miles)").select_option("25")
    page.get_by_role("button", name="Search").click()

    assert page.get_by_role("heading", name="2 resources found").is_visible()
    assert page.get_by_role("link", name="Heart Parents Coffee Group").is_visible()
    assert page.get_by_role("link", name="Heart Mentor Moms").is_visible()
    assert page.get_by_text("Trisomy 21 Circle").count() == 0
    assert page.get_by_text("Heart Families of Denver").count() == 0

    page.get_by_label("Select Heart Parents Coffee Group").check()
    page.get_by_label("Select Heart Mentor Moms").check()
    page.get_by_label("Folder language").select_option("es")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Make a PDF folder").click()
    download = download_info.value
    assert download.suggested_filename == "resource-folder.pdf"
    assert "lang=es" in download.url and download.url.count("service=") == 2
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and pdf_language(pdf) == "es"
    # The search page is still there, with the two resources ticked.
    assert page.get_by_label("Select Heart Parents Coffee Group").is_checked()


def test_it_keeps_the_curation_and_public_pages_accessible(page, live_server) -> None:
    from kindred.core.testing.browser import settle_axe

    world = build_world()
    org = make_organization(world.org_a)
    service = make_service(
        org,
        by=world.users["curator"],
        name="Heart Parents Coffee Group",
        name_es="Café del Corazón",
    )
    sign_in(page, live_server, "curator@a.test")
    for path in (
        "/directory/curate/",
        f"/directory/curate/services/{service.pk}/",
        "/directory/curate/import/",
        f"/directory/services/{service.pk}/",
    ):
        page.goto(live_server.url + path)
        settle_axe(page)
    page.get_by_role("button", name="Verified today").click()
    assert page.get_by_text("Marked as verified today.").is_visible()
    settle_axe(page)
    open_menu(page)
    page.get_by_role("button", name="Sign out").click()
    page.goto(live_server.url + f"/directory/public/{world.program_a.slug}/?zip=60614")
    page.get_by_label("Language", exact=True).select_option("es")
    page.get_by_role("button", name="Change language").click()
    assert page.get_by_role("link", name="Café del Corazón").is_visible()
    page.set_viewport_size({"width": 360, "height": 800})
    page.get_by_role("link", name="Café del Corazón").click()
    assert page.get_by_role("heading", name="Café del Corazón").is_visible()


def test_a_coordinator_shares_from_a_familys_page_by_text_on_a_phone(
    page, live_server, settings
) -> None:
    """From the family's page through the search to the share, the family kept all the way; the
    link texted (the program sends texts, the family agreed); at 360 px and 1280 px."""
    from datetime import date

    from kindred.core.testing.browser import keep_screenshot, settle_axe
    from kindred.directory.models import ResourceShare
    from kindred.families.inputs import CaregiverInput, ChildInput, ConsentInput, FamilyInput
    from kindred.families.models import Consent
    from kindred.families.services import family_create
    from kindred.lib import sms

    settings.SMS_BACKEND = "locmem"
    sms.outbox.clear()
    world = build_world()
    world.program_a.sends_texts = True
    world.program_a.save(update_fields=["sends_texts"])
    make_service(
        make_organization(world.org_a),
        by=world.users["curator"],
        name="Heart Parents Coffee Group",
        zip_code="60614",
        conditions=(Condition.HEART,),
    )
    family = family_create(
        program=world.program_a,
        family=FamilyInput(
            caregivers=[
                CaregiverInput(
                    first_name="Rosa",
                    last_name="Benítez",
                    relationship="mother",
                    phone="(312) 555-0142",
                    preferred_language="es",
                )
            ],
            children=[
                ChildInput(first_name="Mateo", last_name="Benítez", date_of_birth=date(2021, 5, 1))
            ],
            consents=[
                ConsentInput(scope=Consent.Scope.CONTACT),
                ConsentInput(scope=Consent.Scope.TEXT),
            ],
        ),
        by=world.coordinator,
    )
    page.set_viewport_size({"width": 360, "height": 780})
    sign_in(page, live_server, "coordinator@a.test")
    page.goto(f"{live_server.url}/families/{family.pk}/")
    page.get_by_role("link", name="Find resources to share").click()
    page.get_by_text("Finding resources for the Benítez family").wait_for()
    page.get_by_label("Condition").select_option("heart")
    page.get_by_role("button", name="Search").click()
    page.get_by_text("Finding resources for the Benítez family").wait_for()
    settle_axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    keep_screenshot(page, "directory", "share-from-family-search-360")
    page.get_by_label("Select Heart Parents Coffee Group").check()
    page.get_by_role("button", name="Share with the Benítez family").click()
    page.get_by_role("heading", name="Share resources with the Benítez family").wait_for()
    assert page.get_by_label("Language of the folder").input_value() == "es"
    settle_axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    keep_screenshot(page, "directory", "share-form-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    keep_screenshot(page, "directory", "share-form-1280")
    page.get_by_label("Also text the family a link (the text names no condition)").check()
    page.get_by_role("button", name="Share", exact=True).click()
    page.get_by_text("A link was texted to the family.").wait_for()
    share = ResourceShare.objects.get(family=family)
    assert share.texted_to == "+13125550142" and [m.to for m in sms.outbox] == ["+13125550142"]
