from datetime import date

from kindred.core.testing.walk import PUBLIC, SIGNED_IN, Route

STAFF = {"coordinator", "supervisor"}
READERS = STAFF | {"mentor"}  # the mentor persona leads the walk's group
RUNNERS = {"coordinator", "mentor"}
CURRENT_VIEW = READERS | {"outsider"}  # pages of "the current program"


def setup(world) -> None:
    from kindred.groups.feeds import live_feed
    from kindred.groups.models import Facilitator
    from kindred.groups.schedule import next_occurrences
    from kindred.groups.services import registration_create
    from kindred.groups.tests.factories import make_family, make_group

    program = world.program_a
    group = make_group(
        program,
        world.coordinator,
        name="Walkcanary circle",
        first_date=date(2026, 1, 6),
        rrule="FREQ=WEEKLY;BYDAY=TU",
    )
    Facilitator.objects.create(group=group, role="leader", user=world.mentor)
    family = make_family(
        program, world.coordinator, "Walkcanary Family", email="walkcanary@example.test"
    )
    registration = registration_create(group=group, family=family, by=world.coordinator)
    occurrence = next_occurrences(group, 1)[0]
    # Public pages are walked in program B: they show their own program's name.
    group_b = make_group(world.program_b, name="Open circle", rrule="FREQ=WEEKLY;BYDAY=TU")
    family_b = make_family(world.program_b, world.outsider, "Bravo")
    registration_create(group=group_b, family=family_b, by=world.outsider)
    world.objects.update(
        {
            "group_b": group_b,
            "key_b": next_occurrences(group_b, 1)[0].key,
            "group_b_feed": live_feed(program=world.program_b, group=group_b),
            "family_b_feed": live_feed(program=world.program_b, family=family_b),
            "group": group,
            "registration": registration,
            "key": occurrence.key,
        }
    )
    world.objects.setdefault("canaries", []).extend(["Walkcanary", "walkcanary@example.test"])


def _g(w) -> dict:
    return {"pk": w.objects["group"].pk}


def _s(w) -> dict:
    return {"pk": w.objects["group"].pk, "key": w.objects["key"]}


def _public(w) -> dict:
    return {"slug": w.program_b.slug, "pk": w.objects["group_b"].pk}


ROUTES = [
    Route("groups:list", allowed=CURRENT_VIEW),
    Route("groups:calendar", allowed=CURRENT_VIEW),
    Route("groups:my_feed", allowed=CURRENT_VIEW),
    Route("groups:new", allowed={"coordinator", "outsider"}),
    Route("groups:detail", allowed=READERS, kwargs=_g, not_found={"outsider"}),
    Route("groups:edit", allowed={"coordinator"}, kwargs=_g, not_found={"outsider"}),
    Route(
        "groups:status",
        allowed={"coordinator"},
        kwargs=_g,
        method="POST",
        data=lambda w: {"to": "draft"},
        not_found={"outsider"},
    ),
    Route(
        "groups:register",
        allowed=RUNNERS,
        kwargs=_g,
        method="POST",
        data=lambda w: {"family": ""},
        not_found={"outsider"},
    ),
    Route(
        "groups:group_feed",
        allowed={"coordinator"},
        kwargs=_g,
        method="POST",
        data=lambda w: {"action": "make"},
        not_found={"outsider"},
    ),
    Route(
        "groups:group_feed_revoke",
        allowed={"coordinator"},
        kwargs=_g,
        method="POST",
        not_found={"outsider"},
    ),
    Route(
        "groups:registration_cancel",
        allowed=RUNNERS,
        kwargs=lambda w: {"pk": w.objects["registration"].pk},
        method="POST",
        data=lambda w: {"reason": "Cannot come"},
        not_found={"outsider"},
    ),
    Route("groups:session", allowed=READERS, kwargs=_s, not_found={"outsider"}),
    Route("groups:session_edit", allowed=RUNNERS, kwargs=_s, not_found={"outsider"}),
    Route(
        "groups:session_cancel",
        allowed={"coordinator"},
        kwargs=_s,
        method="POST",
        data=lambda w: {"reason": "Snow"},
        not_found={"outsider"},
    ),
    Route("groups:attendance", allowed=RUNNERS, kwargs=_s, not_found={"outsider"}),
    Route(
        "groups:session_ics",
        allowed=PUBLIC,
        kwargs=lambda w: {"pk": w.objects["group_b"].pk, "key": w.objects["key_b"]},
    ),
    Route("groups:public_list", allowed=PUBLIC, kwargs=lambda w: {"slug": w.program_b.slug}),
    Route("groups:public_detail", allowed=PUBLIC, kwargs=_public),
    Route("groups:public_thanks", allowed=PUBLIC, kwargs=_public),
    Route(
        "groups:feed", allowed=PUBLIC, kwargs=lambda w: {"token": w.objects["group_b_feed"].token}
    ),
    Route(
        "groups:family_page",
        allowed=PUBLIC,
        kwargs=lambda w: {"token": w.objects["family_b_feed"].token},
    ),
]


def _api_in_a(world) -> str:
    return f"program={world.program_a.pk}"


ROUTES += [
    Route("api:group_list", allowed=READERS, query=_api_in_a, not_found={"outsider"}),
    Route(
        "api:group_sessions",
        allowed=READERS,
        kwargs=lambda w: {"group_id": w.objects["group"].pk},
        not_found=SIGNED_IN - READERS,  # a group is found only through groups.view
    ),
]
