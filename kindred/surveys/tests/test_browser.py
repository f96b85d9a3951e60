"""On a 360 px phone, in Spanish: a family opens the survey link from the e-mail, misses a
required question (told so, next to it), answers, sends, and cannot send again; a coordinator
then reads the results at 1280 px. A parent with a printed letter types its code; an expired
link says so in both languages. axe-core checks every page reached (the `page` fixture)."""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from kindred.core.testing.browser import sign_in
from kindred.core.testing.personas import build_world
from kindred.groups.tests.factories import make_family
from kindred.surveys.channels import new_code, printed_code
from kindred.surveys.models import Invitation, Item, Response
from kindred.surveys.services import token_digest
from kindred.surveys.tests.factories import invite, starters

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("KINDRED_SCREENSHOTS", tempfile.gettempdir())) / "kindred-surveys"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"the page scrolls sideways ({width}px in {viewport}px)"


def test_a_family_answers_the_survey_on_a_phone_in_spanish(page, live_server) -> None:
    world = build_world()
    survey, _mentor = starters(world.program_a)
    Item.objects.filter(survey=survey, code="less_alone").update(required=True)
    family = make_family(world.program_a, world.coordinator, "Quintero", language="es")
    invitation, token = invite(survey, family=family, occasion="match_close", language="es")

    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(f"{live_server.url}/surveys/r/{token}/")
    assert page.get_by_role("heading", name="¿Cómo va el apoyo?").is_visible()
    shot(page, "public-es-360")
    fits(page)
    # The header offers the other language, and nothing that would not change the page.
    assert page.get_by_role("link", name="Read in English").is_visible()
    assert not page.get_by_role("button", name="Cambiar idioma").count()
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "public-es-1280")
    fits(page)
    page.set_viewport_size({"width": 360, "height": 780})

    # Sent without the required question: told so, nothing saved.
    page.get_by_role("group", name="Me siento con confianza").get_by_label(
        "De acuerdo", exact=True
    ).check()
    page.get_by_role("button", name="Enviar mis respuestas").click()
    assert page.get_by_text("Revise las preguntas marcadas abajo.").is_visible()
    assert not Response.objects.exists()
    shot(page, "public-es-error-360")

    page.get_by_role("group", name="Me siento menos solo").get_by_label(
        "Muy de acuerdo", exact=True
    ).check()
    page.get_by_role("group", name="¿Recomendaría").get_by_label("Sí", exact=True).check()
    page.get_by_role("group", name="¿Cómo se mantuvieron").get_by_label(
        "Llamadas", exact=True
    ).check()
    page.get_by_label("¿Hay algo más que quiera contarnos?").fill("Gracias por escucharme.")
    page.get_by_role("button", name="Enviar mis respuestas").click()
    assert page.get_by_role("heading", name="Gracias").is_visible()
    shot(page, "public-es-thanks-360")
    fits(page)
    saved = Response.objects.get(invitation=invitation)
    assert saved.answers.get(item__code="less_alone").number == 5
    assert saved.answers.get(item__code="confident_caring").number == 4

    # The link works once: opened again, it says so in both languages.
    page.goto(f"{live_server.url}/surveys/r/{token}/")
    assert page.get_by_text("This survey was already answered").is_visible()
    assert page.get_by_text("Esta encuesta ya fue respondida").is_visible()
    shot(page, "public-used-360")
    fits(page)

    # The coordinator's results, on a desk.
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "coordinator@a.test")
    page.goto(f"{live_server.url}/surveys/{survey.pk}/results/")
    assert page.get_by_role("heading", name="Response rates").is_visible()
    shot(page, "results-1280")
    page.set_viewport_size({"width": 360, "height": 780})
    page.reload()
    shot(page, "results-360")


def test_a_printed_code_and_an_expired_link_on_a_phone(page, live_server) -> None:
    world = build_world()
    survey, _mentor = starters(world.program_a)
    family = make_family(world.program_a, world.coordinator, "Quintero", language="es")
    letter, _token = invite(survey, family=family, occasion="yearly", language="es")
    code = new_code()
    Invitation.objects.filter(pk=letter.pk).update(channel="letter", token_hash=token_digest(code))
    page.set_viewport_size({"width": 360, "height": 780})

    # The code page speaks both languages; a code too short says so in both, next to the box.
    page.goto(f"{live_server.url}/surveys/code/")
    assert page.get_by_role("heading", name="Su código de la encuesta").is_visible()
    shot(page, "code-360")
    fits(page)
    page.get_by_label("Código").fill("ABCDE-12345")
    page.get_by_role("button", name="Continuar").click()
    assert page.get_by_text("Un código tiene 20 letras y números.").is_visible()
    assert page.get_by_text("A code has 20 letters and numbers.").is_visible()
    shot(page, "code-error-360")
    fits(page)
    # Typed as a parent reads it off the letter: lower case, with the dashes.
    page.get_by_label("Código").fill(printed_code(code).lower())
    page.get_by_role("button", name="Continuar").click()
    assert page.get_by_role("heading", name="¿Cómo va el apoyo?").is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/surveys/code/")
    shot(page, "code-1280")
    fits(page)

    # A link past its 30 days: refused, in both languages.
    page.set_viewport_size({"width": 360, "height": 780})
    old, token = invite(survey, family=family, occasion="intake", language="es", days_ago=40)
    Invitation.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=10))
    page.goto(f"{live_server.url}/surveys/r/{token}/")
    assert page.get_by_role("heading", name="This survey link has expired").is_visible()
    assert page.get_by_role("heading", name="Este enlace de la encuesta ha vencido").is_visible()
    assert page.get_by_text("Program A").is_visible()  # "call the program": this one
    shot(page, "public-expired-360")
    fits(page)
    assert not Response.objects.exists()
