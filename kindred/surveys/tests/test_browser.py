"""On a 360 px phone, in Spanish: a family opens the survey link from the e-mail, misses a
required question (told so, next to it), answers, sends, and cannot send again; a coordinator
then reads the results at 1280 px. axe-core checks every page reached (the `page` fixture)."""

import os
import tempfile
from pathlib import Path

import pytest

from kindred.core.testing.browser import sign_in
from kindred.core.testing.personas import build_world
from kindred.groups.tests.factories import make_family
from kindred.surveys.models import Item, Response
from kindred.surveys.tests.factories import invite, starters

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("KINDRED_SCREENSHOTS", tempfile.gettempdir())) / "kindred-surveys"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


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
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the survey scrolls sideways on a phone ({width}px)"

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
    saved = Response.objects.get(invitation=invitation)
    assert saved.answers.get(item__code="less_alone").number == 5
    assert saved.answers.get(item__code="confident_caring").number == 4

    # The link works once: opened again, it says so in both languages.
    page.goto(f"{live_server.url}/surveys/r/{token}/")
    assert page.get_by_text("This survey was already answered").is_visible()
    assert page.get_by_text("Esta encuesta ya fue respondida").is_visible()
    shot(page, "public-used-360")

    # The coordinator's results, on a desk.
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "coordinator@a.test")
    page.goto(f"{live_server.url}/surveys/{survey.pk}/results/")
    assert page.get_by_role("heading", name="Response rates").is_visible()
    shot(page, "results-1280")
    page.set_viewport_size({"width": 360, "height": 780})
    page.reload()
    shot(page, "results-360")
