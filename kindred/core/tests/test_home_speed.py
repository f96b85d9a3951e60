"""What makes the signed-in pages cheap (issue 16) must never show what is out of date: the menu
kept per version of the person's record, the unread notifications kept with the home summaries,
the work cards written without the template engine, one Redis client per pool."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import engines
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from kindred.core.templatetags import kindred_layout
from kindred.core.views import _complete
from kindred.programs.models import Membership, Role
from kindred.referrals.tests.conftest import make_referral

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_fragments():
    kindred_layout.forget_fragments()
    yield
    kindred_layout.forget_fragments()


def test_the_menu_follows_a_role_given_and_removed_on_the_next_request(world) -> None:
    client = world.client("mentor")
    assert "Audit trail" not in client.get("/mentors/home/").content.decode()
    role = Membership.objects.create(
        user=world.mentor, program=world.program_a, role=Role.COORDINATOR
    )
    assert "Audit trail" in client.get("/mentors/home/").content.decode()
    role.delete()
    assert "Audit trail" not in client.get("/mentors/home/").content.decode()


def test_the_menu_is_rendered_once_per_version_and_current_page(world) -> None:
    client = world.client("coordinator")
    first = client.get("/families/").content.decode()
    assert len(kindred_layout._kept) == 1
    # The same page again: the same table entry, the same menu.
    again = client.get("/families/").content.decode()
    assert len(kindred_layout._kept) == 1
    assert _menu(again) == _menu(first)
    # Another page marks another entry as current: its own entry.
    other = client.get("/mentors/").content.decode()
    assert len(kindred_layout._kept) == 2
    assert 'href="/families/" aria-current="page"' in _menu(first)
    assert 'href="/families/" aria-current="page"' not in _menu(other)
    assert 'href="/mentors/" aria-current="page"' in _menu(other)


def _menu(page: str) -> str:
    return page[page.index('<nav aria-label="Main">') : page.index("</nav>")]


def test_the_menu_speaks_the_persons_language(world) -> None:
    client = world.client("coordinator")
    english = client.get("/families/").content.decode()
    world.coordinator.language = "es"
    world.coordinator.save(update_fields=["language"])
    spanish = client.get("/families/").content.decode()
    assert "Audit trail" in english and "Audit trail" not in spanish
    assert '<html lang="es">' in spanish


def test_no_menu_is_kept_without_a_cached_record(world, monkeypatch) -> None:
    from kindred.programs import person

    client = world.client("coordinator")
    assert client.get("/families/").status_code == 200
    kindred_layout.forget_fragments()
    real = person._build

    def uncached(user_id: int, version: str):
        return real(user_id, person.UNCACHED)

    monkeypatch.setattr(cache, "get_many", lambda *a, **k: {})
    monkeypatch.setattr(person, "_build", uncached)
    assert "Audit trail" in client.get("/families/").content.decode()
    assert kindred_layout._kept == {}


def test_the_unread_count_follows_new_and_read_notifications(world) -> None:
    client = world.client("coordinator")
    make_referral(world)
    assert "1 unread" in client.get("/").content.decode()
    make_referral(world, family=_family(2))
    assert "2 unread" in client.get("/").content.decode()
    # Warm: the cards' summaries and the person's unread count in one cache read, no query.
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/").content.decode()
    assert "2 unread" in page
    assert captured.captured_queries == []
    assert client.post("/referrals/notifications/read/").status_code == 302
    page = client.get("/").content.decode()
    assert "unread" not in page and 'href="/referrals/notifications/"' not in page


def test_the_unread_count_is_the_persons_own(world) -> None:
    make_referral(world)
    coordinator = world.client("coordinator")
    assert "1 unread" in coordinator.get("/").content.decode()
    # The outsider (program B) has none, whatever the coordinator's count in the cache.
    assert "unread" not in world.client("outsider").get("/").content.decode()


def _family(n: int):
    from kindred.referrals.services import ReferredFamily

    return ReferredFamily(
        caregiver_first_name=f"Parent{n}", phone=f"555-400-{n:04d}", child_first_name="K"
    )


def _cards_html(cards: list[dict]) -> str:
    template = engines["django"].from_string("{% load kindred_layout %}{% work_cards cards %}")
    request = RequestFactory().get("/")
    return template.render({"cards": [_complete(card) for card in cards]}, request)


def test_a_work_card_shows_every_part_and_escapes_it() -> None:
    html = _cards_html(
        [
            {
                "title": "Due <soon>",
                "count": 3,
                "tone": "attention",
                "text": "Three & more",
                "figures": [{"label": "Referred", "value": 6}],
                "entries": [
                    {"label": "R-1", "url": "/r/1/", "note": "late", "badge": ("bad", "Overdue")},
                    {"label": "R-2"},
                ],
                "links": [{"label": "All", "url": "/all/?a=1&b=2"}],
                "action": {"label": "Open", "url": "/open/"},
            },
            {"title": "Lead", "tone": "lead", "action": {"label": "Go", "url": "/go/"}},
            {"title": "Plain"},
        ]
    )
    assert '<section class="work-card attention" aria-labelledby="card-1">' in html
    assert '<h2 id="card-1"><span>Due &lt;soon&gt;</span> <span class="count">3</span></h2>' in html
    assert "<p>Three &amp; more</p>" in html
    assert '<dl class="figures"><div><dt>Referred</dt><dd>6</dd></div></dl>' in html
    assert (
        '<li><span class="badge bad">Overdue</span> <a href="/r/1/">R-1</a>'
        ' <span class="muted">late</span></li><li>R-2</li>'
    ) in html
    assert '<ul class="link-list"><li><a href="/all/?a=1&amp;b=2">All</a></li></ul>' in html
    assert '<p class="card-action"><a class="button" href="/open/">Open</a></p>' in html
    assert '<a class="button big" href="/go/">Go</a>' in html
    assert '<section class="work-card" aria-labelledby="card-3">' in html
    assert '<h2 id="card-3"><span>Plain</span></h2>' in html
    assert "None" not in html


def test_a_work_card_with_its_own_template_gets_the_card(world) -> None:
    from datetime import date

    html = _cards_html(
        [
            {
                "title": "Log a contact",
                "template": "encounters/includes/home_card.html",
                "follow_ups": [],
                "today": date(2026, 12, 4),
                "is_mentor": False,
            }
        ]
    )
    assert "No follow-ups due." in html and 'href="/encounters/new/"' in html


def test_the_redis_cache_keeps_one_client_per_pool() -> None:
    from kindred.core.cache import RedisCache

    backend = RedisCache("redis://127.0.0.1:6379/0", {})
    # Building a client opens no connection: no Redis server needed here.
    first = backend._cache.get_client(write=True)
    assert backend._cache.get_client() is first
    assert backend._cache.get_client("any key", write=True) is first
