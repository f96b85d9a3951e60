from django.utils import timezone

from kindred.core.testing.walk import PUBLIC, Route
from kindred.mentors.models import Escalation, ScreeningItem, WellbeingCheckIn

STAFF = {"coordinator", "supervisor"}
CURRENT_VIEW = {"coordinator", "supervisor", "outsider"}  # pages of "the current program"
CURRENT_MANAGE = {"coordinator", "outsider"}


def setup(world) -> None:
    from kindred.mentors.tests.factories import make_active, make_cohort, make_course

    program = world.program_a
    mentor = make_active(
        program,
        world.coordinator,
        full_name="Walkcanary Partner",
        email="mentor@a.test",
        preferred_language="en",
    )
    mentor.user = world.mentor
    mentor.save(update_fields=["user"])
    course = make_course(program)
    cohort = make_cohort(program, course, [mentor])
    for session in cohort.sessions.all():
        session.record_attendance(present_ids={mentor.pk}, by=world.coordinator)
    escalation = Escalation.objects.create(
        program=program,
        mentor=mentor,
        raised_by=world.supervisor,
        concern="Walkcanary concern",
        severity="high",
    )
    checkin = WellbeingCheckIn.objects.create(
        mentor=mentor, score=2, workload="heavy", by=world.mentor
    )
    world.objects.update(
        {
            "mentor_record": mentor,
            "course": course,
            "cohort": cohort,
            "session": cohort.sessions.first(),
            "escalation": escalation,
            "checkin": checkin,
            "screening_item": ScreeningItem.objects.filter(program=program).first(),
        }
    )
    world.objects.setdefault("canaries", []).extend(["Walkcanary", "mentor@a.test"])


def _m(w) -> dict:
    return {"pk": w.objects["mentor_record"].pk}


ROUTES = [
    Route("mentors:list", allowed=CURRENT_VIEW),
    Route("mentors:detail", allowed=STAFF | {"mentor"}, kwargs=_m),
    Route("mentors:edit", allowed={"coordinator"}, kwargs=_m),
    Route(
        "mentors:status",
        allowed={"coordinator"},
        kwargs=_m,
        method="POST",
        data=lambda w: {"to": "paused", "paused_until": "2099-01-01"},
    ),
    Route(
        "mentors:screening",
        allowed={"coordinator"},
        kwargs=_m,
        method="POST",
        data=lambda w: {
            "screening-item": w.objects["screening_item"].pk,
            "screening-result": "passed",
            "screening-done_on": timezone.localdate().isoformat(),
        },
    ),
    Route(
        "mentors:qualification",
        allowed={"coordinator"},
        kwargs=_m,
        method="POST",
        data=lambda w: {},
    ),
    Route("mentors:invite", allowed={"coordinator"}, kwargs=_m, method="POST"),
    Route(
        "mentors:certificate",
        allowed=STAFF | {"mentor"},
        kwargs=lambda w: {"pk": w.objects["mentor_record"].pk, "course_pk": w.objects["course"].pk},
    ),
    Route("mentors:home", allowed={"mentor"}),
    Route(
        "mentors:checkin",
        allowed={"mentor"},
        method="POST",
        data=lambda w: {"score": "4", "workload": "right"},
    ),
    # The public application of program B: the page names its program, so the walk uses B's.
    Route("mentors:apply", allowed=PUBLIC, kwargs=lambda w: {"slug": w.program_b.slug}),
    Route("mentors:apply_thanks", allowed=PUBLIC, kwargs=lambda w: {"slug": w.program_b.slug}),
    Route("mentors:training", allowed=CURRENT_VIEW),
    Route("mentors:course", allowed=STAFF, kwargs=lambda w: {"pk": w.objects["course"].pk}),
    Route("mentors:cohort_new", allowed=CURRENT_MANAGE),
    Route("mentors:cohort", allowed=STAFF, kwargs=lambda w: {"pk": w.objects["cohort"].pk}),
    Route(
        "mentors:attendance",
        allowed={"coordinator"},
        method="POST",
        kwargs=lambda w: {"pk": w.objects["session"].pk},
        data=lambda w: {"present": []},
    ),
    Route("mentors:settings", allowed=CURRENT_MANAGE),
    Route(
        "mentors:settings_item",
        allowed={"coordinator"},
        kwargs=lambda w: {"kind": "screening", "pk": w.objects["screening_item"].pk},
    ),
    Route("mentors:hours", allowed=CURRENT_VIEW),
    Route("mentors:supervision", allowed=CURRENT_VIEW),
    Route("mentors:session_new", allowed=CURRENT_VIEW),
    Route("mentors:escalation_new", allowed=CURRENT_VIEW),
    Route("mentors:escalation", allowed=STAFF, kwargs=lambda w: {"pk": w.objects["escalation"].pk}),
    Route(
        "mentors:escalation_acknowledge",
        allowed=STAFF,
        method="POST",
        kwargs=lambda w: {"pk": w.objects["escalation"].pk},
    ),
    Route(
        "mentors:escalation_resolve",
        allowed=STAFF,
        method="POST",
        kwargs=lambda w: {"pk": w.objects["escalation"].pk},
        data=lambda w: {"notes": "Called her."},
    ),
    Route(
        "mentors:checkin_seen",
        allowed=STAFF,
        method="POST",
        kwargs=lambda w: {"pk": w.objects["checkin"].pk},
    ),
]
