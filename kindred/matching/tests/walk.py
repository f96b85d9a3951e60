"""Every URL of the matching app in the permission walk. Referrers, evaluators and outsiders see
nothing of matches; a mentor sees only their own offer."""

from kindred.core.testing.walk import SIGNED_IN, Route

STAFF = {"coordinator", "supervisor"}
CURRENT_VIEW = {"coordinator", "supervisor", "outsider"}  # pages of "the current program"
CURRENT_MANAGE = {"coordinator", "outsider"}
MATCH_READERS = STAFF | {"mentor"}


def setup(world) -> None:
    from kindred.matching.services import approve_and_offer, propose
    from kindred.matching.tests.factories import matchable_mentor, waiting_family

    mentor = world.objects.get("mentor_record")
    if mentor is None:
        mentor = matchable_mentor(
            world, name="Walk Mentor", email="mentor@a.test", user=world.mentor
        )
        world.objects["mentor_record"] = mentor
    other = matchable_mentor(
        world, name="Matchcanary Other", email="other.match@a.test", languages=["es"]
    )
    family = waiting_family(world, name="Matchcanary")
    offer = approve_and_offer(
        match=propose(family=family, mentor=mentor, by=world.coordinator), by=world.coordinator
    )
    world.objects.update({"match_family": family, "match_offer": offer, "match_other": other})
    world.objects.setdefault("canaries", []).extend(["Matchcanary", "other.match@a.test"])


def _f(w) -> dict:
    return {"pk": w.objects["match_family"].pk}


def _act(action: str):
    return lambda w: {"pk": w.objects["match_offer"].pk, "action": action}


ROUTES = [
    Route("matching:waiting", allowed=CURRENT_VIEW),
    Route("matching:waiting", allowed=CURRENT_VIEW, query="language=es&zip=606"),
    Route("matching:family", allowed=STAFF, kwargs=_f, not_found={"outsider"}),
    Route("matching:family", allowed=STAFF, kwargs=_f, query="excluded=1", not_found={"outsider"}),
    Route(
        "matching:offer",
        allowed={"coordinator"},
        kwargs=_f,
        method="POST",
        data=lambda w: {"mentor": w.objects["match_other"].pk},
        not_found={"outsider"},
    ),
    Route(
        "matching:wishes",
        allowed={"coordinator"},
        kwargs=_f,
        method="POST",
        data=lambda w: {"w-in_person": "on", "w-situations": ["military"]},
        not_found={"outsider"},
    ),
    Route(
        "matching:looser",
        allowed={"coordinator"},
        kwargs=_f,
        method="POST",
        data=lambda w: {"l-relaxed": ["language"], "l-note": "Agreed by phone"},
        not_found={"outsider"},
    ),
    Route(
        "matching:block",
        allowed={"coordinator"},
        kwargs=_f,
        method="POST",
        data=lambda w: {"b-mentor": w.objects["match_other"].pk, "b-note": "Neighbours"},
        not_found={"outsider"},
    ),
    Route("matching:offers", allowed={"mentor"}),
    Route("matching:settings", allowed=CURRENT_MANAGE),
    Route(
        "matching:settings",
        allowed=CURRENT_MANAGE,
        method="POST",
        data=lambda w: {
            "target_hours": "24",
            "remind_days_before_end": "7",
            "fit_check_days": "14",
            "readiness": "none",
        },
    ),
    Route(
        "matching:match",
        allowed=MATCH_READERS,
        kwargs=lambda w: {"pk": w.objects["match_offer"].pk},
        not_found=SIGNED_IN - MATCH_READERS,
    ),
    Route(
        "matching:act",
        allowed={"mentor"},
        kwargs=_act("respond"),
        method="POST",
        data=lambda w: {"respond-answer": "accept"},
        not_found=SIGNED_IN - MATCH_READERS,
    ),
    Route(
        "matching:act",
        allowed={"coordinator"},
        kwargs=_act("withdraw"),
        method="POST",
        data=lambda w: {"withdraw-reason": "The family asked to wait"},
        not_found=SIGNED_IN - MATCH_READERS,
    ),
]


def _in_a(world) -> str:
    return f"program={world.program_a.pk}"


ROUTES += [
    Route("api:matching_waiting", allowed=STAFF, query=_in_a, not_found={"outsider"}),
    Route(
        "api:matching_waiting",
        allowed=STAFF,
        query=lambda w: f"{_in_a(w)}&language=es&zip=606&limit=5",
        not_found={"outsider"},
    ),
    Route("api:matching_matches", allowed=MATCH_READERS, query=_in_a, not_found={"outsider"}),
    Route(
        "api:matching_matches",
        allowed=MATCH_READERS,
        query=lambda w: f"{_in_a(w)}&state=offered",
        not_found={"outsider"},
    ),
]
ROUTES += __import__("kindred.matching.tests.walk_planning", fromlist=["ROUTES"]).ROUTES  # h10a
