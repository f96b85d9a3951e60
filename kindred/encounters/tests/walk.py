"""Every URL of the encounters app in the permission walk. Referrers, evaluators, organization
roles and outsiders reach no encounter; a mentor only their own; supervisors read, never log."""

from kindred.core.testing.walk import SIGNED_IN, Route

STAFF = {"coordinator", "supervisor"}
READERS = STAFF | {"mentor"}
CHANGERS = {"coordinator", "mentor"}
CURRENT_LOG = CHANGERS | {"outsider"}  # pages of "the current program"
CURRENT_VIEW = STAFF | {"outsider"}
CURRENT_CODEBOOK = {"coordinator", "outsider"}


def setup(world) -> None:
    from django.utils import timezone

    from kindred.encounters.codebook import ensure_codebook
    from kindred.encounters.models import Theme
    from kindred.encounters.services import EncounterInput, encounter_create, follow_up_add
    from kindred.matching.tests.factories import active_match, matchable_mentor, waiting_family
    from kindred.mentors.services import program_ensure_mentor_lists

    program_ensure_mentor_lists(program=world.program_a)
    mentor = world.objects.get("mentor_record")
    if mentor is None:
        mentor = matchable_mentor(
            world, name="Walk Mentor", email="mentor@a.test", user=world.mentor
        )
        world.objects["mentor_record"] = mentor
    family = waiting_family(world, name="Enccanary")
    active_match(world, family, mentor)
    ensure_codebook(world.program_a)
    encounter = encounter_create(
        program=world.program_a,
        data=EncounterInput(
            occurred_at=timezone.now(),
            duration_minutes=20,
            setting="inpatient",
            mode="in_person",
            initiated_by="mentor",
            families=[family],
            mentors=[mentor],
            support_types=["emotional"],
            themes=list(Theme.objects.filter(program=world.program_a, slug="self-care")),
            notes="Enccanary note",
        ),
        by=world.mentor,
    )
    follow_up = follow_up_add(
        encounter=encounter,
        description="Enccanary call",
        due_on=timezone.localdate(),
        mentor=mentor,
        by=world.mentor,
    )
    world.objects.update(
        {
            "enc_family": family,
            "encounter": encounter,
            "enc_follow_up": follow_up,
            "enc_theme": Theme.objects.get(program=world.program_a, slug="grief-loss"),
        }
    )
    world.objects["enc_session"] = _held_session(world, mentor, family)
    world.objects.setdefault("canaries", []).extend(["Enccanary"])


def _held_session(world, mentor, family):
    """A past session of a group the mentor leads, with the family marked present."""
    from datetime import timedelta

    from django.utils import timezone

    from kindred.groups.models import Facilitator, GroupSession
    from kindred.groups.schedule import occurrences
    from kindred.groups.services import attendance_mark
    from kindred.groups.tests.factories import make_group

    group = make_group(world.program_a, world.coordinator, name="Enccanary circle")
    Facilitator.objects.create(group=group, role="leader", mentor=mentor)
    now = timezone.now()
    held = [o for o in occurrences([group], now - timedelta(days=70), now) if o.ends_at < now]
    attendance_mark(occurrence=held[-1], family=family, present=True, by=world.coordinator)
    return GroupSession.objects.get(group=group)


def _e(w) -> dict:
    return {"pk": w.objects["encounter"].pk}


def _session(w) -> dict:
    return {"pk": w.objects["enc_session"].pk}


def _note_form(w) -> dict:
    from django.utils import timezone

    session = w.objects["enc_session"]
    return {
        "families": [w.objects["enc_family"].pk],
        "occurred_at": timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "90",
        "setting": "community",
        "mode": "in_person",
        "initiated_by": "mentor",
        "support_types": ["emotional"],
    }


def _form(w) -> dict:
    from django.utils import timezone

    return {
        "families": [w.objects["enc_family"].pk],
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "15",
        "setting": "outpatient",
        "mode": "phone",
        "initiated_by": "family",
        "support_types": ["informational"],
        "version": str(w.objects["encounter"].version),
    }


NOT_READERS = SIGNED_IN - READERS


def _in_a(w) -> str:
    return f"program={w.program_a.pk}"


def _api_log(w) -> dict:
    return {
        "program": w.program_a.pk,
        "families": [w.objects["enc_family"].pk],
        "setting": "outpatient",
        "mode": "phone",
        "support_types": ["emotional"],
        "duration_minutes": 10,
    }


ROUTES = [
    Route("encounters:list", allowed=CURRENT_LOG | STAFF),
    Route("encounters:list", allowed=CURRENT_LOG | STAFF, query="page=2"),
    Route("encounters:new", allowed=CURRENT_LOG),
    Route("encounters:new", allowed=CURRENT_LOG, query="family=1&match=1"),
    Route("encounters:new", allowed=CURRENT_LOG, method="POST", data=_form),
    Route("encounters:detail", allowed=READERS, kwargs=_e, not_found=NOT_READERS),
    Route("encounters:edit", allowed=CHANGERS, kwargs=_e, not_found=NOT_READERS),
    Route(
        "encounters:edit",
        allowed=CHANGERS,
        kwargs=_e,
        method="POST",
        data=_form,
        not_found=NOT_READERS,
    ),
    Route(
        "encounters:error",
        allowed=CHANGERS,
        kwargs=_e,
        method="POST",
        data=lambda w: {"reason": "Wrong family"},
        not_found=NOT_READERS,
    ),
    # A mentor gets their page; anyone else signed in is sent home with a message (302).
    Route("encounters:me", allowed=SIGNED_IN, ok_status=frozenset({200, 302})),
    Route(
        "encounters:mentor",
        allowed=STAFF,
        kwargs=lambda w: {"pk": w.objects["mentor_record"].pk},
        not_found={"outsider"},
    ),
    Route("encounters:follow_ups", allowed=CURRENT_LOG),
    Route(
        "encounters:follow_up_done",
        allowed=CHANGERS,
        kwargs=lambda w: {"pk": w.objects["enc_follow_up"].pk},
        method="POST",
        not_found={"outsider"},
    ),
    # A group session's note: the group's facilitators (the mentor persona leads the walk's
    # group) and the coordinator; supervisors read notes on the encounter's page.
    Route(
        "encounters:group_session_note",
        allowed=CHANGERS,
        kwargs=_session,
        not_found=NOT_READERS,
    ),
    Route(
        "encounters:group_session_note",
        allowed=CHANGERS,
        kwargs=_session,
        method="POST",
        data=_note_form,
        not_found=NOT_READERS,
    ),
    Route("encounters:codebook", allowed=CURRENT_CODEBOOK),
    Route(
        "encounters:codebook",
        allowed=CURRENT_CODEBOOK,
        method="POST",
        data=lambda w: {"name": "Walk theme", "position": "5", "is_active": "on"},
    ),
    Route(
        "encounters:theme_edit",
        allowed={"coordinator"},
        kwargs=lambda w: {"pk": w.objects["enc_theme"].pk},
        not_found={"outsider"},
    ),
    Route(
        "encounters:theme_edit",
        allowed={"coordinator"},
        kwargs=lambda w: {"pk": w.objects["enc_theme"].pk},
        method="POST",
        data=lambda w: {"name": "Grief", "position": "3", "is_active": "on"},
        not_found={"outsider"},
    ),
    # The JSON API (kindred/encounters/api_routes.py); tokens in tests/test_api.py.
    Route("api:encounter_list", allowed=READERS, query=_in_a, not_found={"outsider"}),
    Route(
        "api:encounter_list",
        allowed=READERS,
        query=lambda w: f"{_in_a(w)}&family={w.objects['enc_family'].pk}&start=2020-01-01",
        not_found={"outsider"},
    ),
    Route(
        "api:encounter_log",
        allowed=CHANGERS,
        method="POST",
        content_type="application/json",
        data=_api_log,
        not_found={"outsider"},
    ),
]
