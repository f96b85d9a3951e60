"""What people type is shown as text, never run as markup: a payload planted in names,
descriptions and notes comes back escaped on every page that shows it, in element text and in
attribute values (form fields), and no page carries inline script or style (the CSP forbids it)."""

from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse

from kindred.directory.tests.factories import make_organization, make_service
from kindred.families.tests.conftest import make_family
from kindred.mentors.services import program_ensure_mentor_lists
from kindred.mentors.tests.factories import make_active
from kindred.referrals.tests.conftest import make_referral

pytestmark = pytest.mark.django_db

# Breaks out of an attribute value ("'>), opens a script, and an element with an event handler.
PAYLOAD = "\"'><script>alert(1)</script><img src=x onerror=alert(2)>"


class Page(HTMLParser):
    """What a browser would build from the page: elements, their attributes, their text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def injected(self) -> list[str]:
        """Markup the page should never contain: inline script, event handlers, the payload's img."""
        found = []
        for tag, attrs in self.elements:
            if tag == "script" and not attrs.get("src"):
                found.append("inline <script>")
            if tag == "style" or "style" in attrs:
                found.append(f"inline style on <{tag}>")
            found += [f"{name}= on <{tag}>" for name in attrs if name.startswith("on")]
            if tag == "img" and attrs.get("src") == "x":
                found.append("the payload's <img>")
        return found

    def shows_in_text(self, value: str) -> bool:
        return value in "".join(self.text)

    def shows_in_attribute(self, value: str) -> bool:
        return any(value in (v or "") for _tag, attrs in self.elements for v in attrs.values())


@pytest.fixture
def planted(world: Any) -> dict[str, Any]:
    """Program A's records, every free-text field people fill in carrying the payload."""
    world.program_a.name = f"Program A {PAYLOAD}"
    world.program_a.save(update_fields=["name"])
    family = make_family(
        world,
        caregiver={"first_name": f"Ana{PAYLOAD}", "last_name": f"García{PAYLOAD}"},
        child={"first_name": f"Mateo{PAYLOAD}"},
    )
    referral = make_referral(world, looking_for=f"A heart parent {PAYLOAD}")
    program_ensure_mentor_lists(program=world.program_a)
    mentor = make_active(
        world.program_a, world.coordinator, full_name=f"Alma {PAYLOAD}", motivation=PAYLOAD
    )
    organization = make_organization(world.org_a, name=f"Heart Network {PAYLOAD}")
    service = make_service(
        organization,
        by=world.users["curator"],
        name=f"Heart Group {PAYLOAD}",
        description=f"Coffee {PAYLOAD}",
    )
    return {"family": family, "referral": referral, "mentor": mentor, "service": service}


def _pages(planted: dict[str, Any]) -> list[tuple[str, str, set[str]]]:
    """(persona, url, where the payload must show: "text" and/or "attribute")."""
    family, referral = planted["family"], planted["referral"]
    mentor, service = planted["mentor"], planted["service"]
    return [
        ("coordinator", reverse("core:home"), {"text"}),
        ("coordinator", reverse("families:list"), {"text"}),
        ("coordinator", reverse("families:detail", args=[family.pk]), {"text"}),
        ("coordinator", reverse("families:edit", args=[family.pk]), {"attribute"}),
        ("coordinator", reverse("referrals:queue"), {"text"}),
        ("coordinator", reverse("referrals:detail", args=[referral.pk]), {"text"}),
        ("coordinator", reverse("mentors:list"), {"text"}),
        ("coordinator", reverse("mentors:detail", args=[mentor.pk]), {"text"}),
        ("coordinator", reverse("mentors:edit", args=[mentor.pk]), {"attribute"}),
        ("coordinator", reverse("directory:search"), {"text"}),
        ("coordinator", reverse("directory:service", args=[service.pk]), {"text"}),
        ("curator", reverse("directory:service_edit", args=[service.pk]), {"attribute"}),
    ]


def test_it_escapes_what_people_typed_on_every_page_that_shows_it(world, planted) -> None:
    for persona, url, contexts in _pages(planted):
        response = world.client(persona).get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, url
        page = Page(html)
        assert page.injected() == [], url
        # The payload did reach the page (else the test would prove nothing), as plain data.
        if "text" in contexts:
            assert page.shows_in_text(PAYLOAD), f"{url}: payload not shown as text"
        if "attribute" in contexts:
            assert page.shows_in_attribute(PAYLOAD), f"{url}: payload not in a form field"
