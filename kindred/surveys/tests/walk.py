from kindred.core.testing.walk import PUBLIC, Route

STAFF = {"coordinator", "supervisor"}
CURRENT_VIEW = STAFF | {"outsider"}  # pages of "the current program"


def setup(world) -> None:
    from kindred.groups.tests.factories import make_family
    from kindred.surveys.tests.factories import answer, invite, starters

    survey, _mentor = starters(world.program_a)
    family = make_family(world.program_a, world.coordinator, "Surveycanary")
    answered, _token = invite(survey, family=family, occasion="match_close")
    answer(answered, {"less_alone": 4, "anything_else": "Surveycanary comment"})
    # The public page is walked in program B: it shows its own program's name.
    survey_b, _mentor_b = starters(world.program_b)
    family_b = make_family(world.program_b, world.outsider, "Bravo")
    _open, open_token = invite(survey_b, family=family_b, occasion="yearly", language="es")
    done, done_token = invite(survey_b, family=family_b, occasion="intake")
    answer(done, {"less_alone": 3})
    world.objects.update(
        {
            "survey": survey,
            "family": family,
            "item": survey.items.first(),
            "open_token": open_token,
            "done_token": done_token,
        }
    )
    world.objects.setdefault("canaries", []).extend(["Surveycanary"])


def _s(w) -> dict:
    return {"pk": w.objects["survey"].pk}


def _sf(w) -> dict:
    return {"pk": w.objects["survey"].pk, "family_pk": w.objects["family"].pk}


ROUTES = [
    Route("surveys:list", allowed=CURRENT_VIEW),
    Route("surveys:new", allowed={"coordinator", "outsider"}),
    Route("surveys:install_starters", allowed={"coordinator", "outsider"}, method="POST"),
    Route("surveys:detail", allowed=STAFF, kwargs=_s, not_found={"outsider"}),
    Route("surveys:edit", allowed={"coordinator"}, kwargs=_s, not_found={"outsider"}),
    Route(
        "surveys:item_new",
        allowed={"coordinator"},
        kwargs=_s,
        method="POST",
        data=lambda w: {"kind": "text", "text": "More?", "text_es": "¿Más?"},
        not_found={"outsider"},
    ),
    Route(
        "surveys:item_retire",
        allowed={"coordinator"},
        kwargs=lambda w: {"pk": w.objects["item"].pk},
        method="POST",
        not_found={"outsider"},
    ),
    Route(
        "surveys:send_find",
        allowed={"coordinator"},
        kwargs=_s,
        query="q=surveycan",
        not_found={"outsider"},
    ),
    Route("surveys:send", allowed={"coordinator"}, kwargs=_sf, not_found={"outsider"}),
    Route("surveys:phone", allowed={"coordinator"}, kwargs=_sf, not_found={"outsider"}),
    Route("surveys:code", allowed=PUBLIC),
    Route(
        "surveys:code",
        allowed=PUBLIC,
        method="POST",
        data=lambda w: {"code": "not a code"},
        ok_status=frozenset({400}),
    ),
    Route("surveys:results", allowed=STAFF, kwargs=_s, not_found={"outsider"}),
    Route("surveys:comments", allowed={"coordinator"}, kwargs=_s, not_found={"outsider"}),
    Route(
        "surveys:export", allowed={"coordinator", "evaluator"}, kwargs=_s, not_found={"outsider"}
    ),
    Route("surveys:public", allowed=PUBLIC, kwargs=lambda w: {"token": w.objects["open_token"]}),
    Route(
        "surveys:public",
        allowed=PUBLIC,
        kwargs=lambda w: {"token": "not-a-real-link"},
        ok_status=frozenset({404}),
    ),
    Route(
        "surveys:public",
        allowed=PUBLIC,
        kwargs=lambda w: {"token": w.objects["done_token"]},
        ok_status=frozenset({410}),
    ),
    Route(
        "surveys:public_decline",
        allowed=PUBLIC,
        kwargs=lambda w: {"token": w.objects["open_token"]},
        method="POST",
    ),
    Route(
        "surveys:public_thanks",
        allowed=PUBLIC,
        kwargs=lambda w: {"token": w.objects["done_token"]},
    ),
]
