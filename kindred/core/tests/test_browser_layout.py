"""Every page of the permission walk on a 360 px phone, as a persona allowed to see it: no page
scrolls sideways, and no table cell is narrower than its longest word (the "Rec/eive/d" of
squeezed columns). The pages come from the apps' `tests/walk.py` routes, so a new app's pages
are visited without anyone listing them here. A screenshot of each page at 360 px and 1280 px
is kept under var/artifacts/screenshots/ (kindred.core.testing.browser.keep_screenshot) for a
reviewer to look at after a run. One browser; one signed-in context per persona."""

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kindred.core.testing.browser import install_axe, keep_screenshot, settle_axe, sign_in
from kindred.core.testing.personas import build_world
from kindred.core.testing.walk import Route
from kindred.core.tests.test_permission_walk import all_routes, walk_modules

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Who looks at a page: the first of these the route allows (the outsider sees only program B).
PERSONA_ORDER = ["coordinator", "supervisor", "mentor", "referrer", "evaluator", "curator", "admin"]
EMAILS = {
    "coordinator": "coordinator@a.test",
    "supervisor": "supervisor@a.test",
    "mentor": "mentor@a.test",
    "referrer": "referrer@a.test",
    "evaluator": "evaluator@a.test",
    "curator": "curator@a.test",
    "admin": "admin@a.test",
}
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
HEADER_MAX = 57  # px: "no taller than about 56 px"

# Runs in the page: what scrolls sideways, and which cells are narrower than a word of theirs.
LAYOUT_PROBLEMS = """
() => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) {
    problems.push(`the page scrolls sideways (${root.scrollWidth} px wide in ${root.clientWidth})`);
  }
  for (const wrap of document.querySelectorAll("main .table-wrap, main table")) {
    const box = wrap.getBoundingClientRect();
    if (wrap.scrollWidth > wrap.clientWidth + 1 || box.right > root.clientWidth + 1) {
      problems.push(`a table is wider than the screen (${wrap.scrollWidth} px)`);
    }
  }
  const canvas = document.createElement("canvas").getContext("2d");
  for (const cell of document.querySelectorAll("main td, main th")) {
    const head = cell.closest("thead");
    if (head && getComputedStyle(head).position === "absolute") { continue; }  // hidden on a phone
    const style = getComputedStyle(cell);
    if (style.display === "none" || cell.getClientRects().length === 0) { continue; }
    const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    let longest = "", widest = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.getClientRects().length === 0) { continue; }
      // Codes (an audit action, a token) are no words: they may break anywhere (kindred.css).
      if (parent.closest("code, kbd, samp, .code")) { continue; }
      canvas.font = getComputedStyle(parent).font;
      for (const word of node.textContent.split(/\\s+/)) {
        const width = word ? canvas.measureText(word).width : 0;
        if (width > widest) { widest = width; longest = word; }
      }
    }
    if (widest > room + 1) {
      problems.push(`a cell ${Math.round(room)} px wide breaks "${longest}" (${Math.round(widest)} px)`);
    }
  }
  return problems;
}
"""


def _pages(world: Any) -> list[tuple[str, str, str]]:
    """(persona, url, name) for every page of the walk a signed-in persona may read."""
    seen: set[str] = set()
    pages = []
    route: Route
    for route in all_routes():
        if route.method != "GET" or 200 not in route.ok_status:
            continue
        persona = next((p for p in PERSONA_ORDER if p in route.allowed), None)
        if persona is None:
            continue
        kwargs = route.kwargs(world) if route.kwargs else {}
        url = reverse(route.name, kwargs=kwargs) + (
            f"?{route.query_for(world)}" if route.query else ""
        )
        # The API's documentation pages are the OpenAPI viewer's own, not Kindred's layout.
        if url in seen or route.name.endswith(("openapi-view", "openapi-json")):
            continue
        seen.add(url)
        name = route.name.replace(":", "-") + (f"-{len(seen)}" if route.query else "")
        pages.append((persona, url, name))
    return pages


def test_every_page_fits_a_phone_without_breaking_words(browser, live_server) -> None:
    world = build_world()
    for module in walk_modules():
        if hasattr(module, "setup"):
            module.setup(world)
    # Every role's home page, then each page as the first persona allowed to read it.
    by_persona: dict[str, list[tuple[str, str]]] = {p: [("/", "home")] for p in PERSONA_ORDER}
    for persona, url, name in _pages(world):
        if url == "/":
            continue
        by_persona.setdefault(persona, []).append((url, name))
    assert len(by_persona.get("coordinator", [])) > 20, "the walk's pages were not found"

    failures: list[str] = []
    blocking: list[str] = []
    visited = 0
    for persona, pages in by_persona.items():
        context = browser.new_context(locale="en-US", viewport=PHONE)
        axe = install_axe(context)
        page = context.new_page()
        sign_in(page, live_server, EMAILS[persona])
        page.wait_for_load_state()
        # On a phone the header is one bar, and its one Menu button holds everything.
        page.goto(live_server.url + "/")
        height = page.locator(".site-header").bounding_box()["height"]
        if height > HEADER_MAX:
            failures.append(f"{persona}: the header is {height} px tall on a phone")
        page.get_by_text("Menu", exact=True).click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        expect(page.get_by_role("button", name="Change language")).to_be_visible()
        keep_screenshot(page, "pages", persona, "home-menu-360")
        for url, name in pages:
            # Downloads (CSV, PDF, iCalendar, JSON) are no pages to lay out.
            answer = context.request.get(live_server.url + url)
            if not answer.headers.get("content-type", "").startswith("text/html"):
                continue
            page.set_viewport_size(PHONE)
            page.goto(live_server.url + url)
            settle_axe(page)
            visited += 1
            for problem in page.evaluate(LAYOUT_PROBLEMS):
                failures.append(f"{persona} {url}: {problem}")
            keep_screenshot(page, "pages", persona, f"{name}-360")
            page.set_viewport_size(DESKTOP)
            keep_screenshot(page, "pages", persona, f"{name}-1280")
        blocking.extend(axe.blocking())
        context.close()
    assert visited > 40
    assert not failures, "pages that do not fit a phone:\n" + "\n".join(failures)
    assert not blocking, "accessibility violations:\n" + "\n".join(blocking)
