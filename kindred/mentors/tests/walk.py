from django.utils import timezone

from kindred.core.testing.walk import PUBLIC, SIGNED_IN, Route
from kindred.mentors.models import Escalation, ScreeningItem, WellbeingCheckIn

STAFF = {"coordinator", "supervisor"}
# A mentor record is read by the staff and by the mentor themself; to anyone else it is 404.
READERS = STAFF | {"mentor"}
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
    Route(
        "mentors:detail",
        allowed=READERS,
        kwargs=_m,
        not_found=SIGNED_IN - READERS,
    ),
    Route("mentors:edit", allowed={"coordinator"}, kwargs=_m, not_found={"outsider"}),
    Route(
        "mentors:status",
        allowed={"coordinator"},
        kwargs=_m,
        method="POST",
        data=lambda w: {"to": "paused", "paused_until": "2099-01-01"},
        not_found={"outsider"},
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
        not_found={"outsider"},
    ),
    Route(
        "mentors:qualification",
        allowed={"coordinator"},
        kwargs=_m,
        method="POST",
        data=lambda w: {},
        not_found={"outsider"},
    ),
    Route(
        "mentors:invite", allowed={"coordinator"}, kwargs=_m, method="POST", not_found={"outsider"}
    ),
    Route(
        "mentors:certificate",
        allowed=READERS,
        kwargs=lambda w: {"pk": w.objects["mentor_record"].pk, "course_pk": w.objects["course"].pk},
        not_found=SIGNED_IN - READERS,
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
    Route(
        "mentors:course",
        allowed=STAFF,
        kwargs=lambda w: {"pk": w.objects["course"].pk},
        not_found={"outsider"},
    ),
    # Reading a course or cohort takes mentors.view; adding to it, mentors.manage: a supervisor
    # sees it but is refused the change (403).
    Route(
        "mentors:course",
        allowed={"coordinator"},
        kwargs=lambda w: {"pk": w.objects["course"].pk},
        method="POST",
        data=lambda w: {
            "module-title": "Walk module",
            "module-hours": "1",
            "module-delivery": "online",
            "module-position": "0",
        },
        not_found={"outsider"},
    ),
    Route("mentors:cohort_new", allowed=CURRENT_MANAGE),
    Route(
        "mentors:cohort",
        allowed=STAFF,
        kwargs=lambda w: {"pk": w.objects["cohort"].pk},
        not_found={"outsider"},
    ),
    Route(
        "mentors:cohort",
        allowed={"coordinator"},
        kwargs=lambda w: {"pk": w.objects["cohort"].pk},
        method="POST",
        data=lambda w: {"add_members": "1", "members-mentors": [w.objects["mentor_record"].pk]},
        not_found={"outsider"},
    ),
    Route(
        "mentors:attendance",
        allowed={"coordinator"},
        method="POST",
        kwargs=lambda w: {"pk": w.objects["session"].pk},
        data=lambda w: {"present": []},
        not_found={"outsider"},
    ),
    Route("mentors:settings", allowed=CURRENT_MANAGE),
    Route(
        "mentors:settings_item",
        allowed={"coordinator"},
        kwargs=lambda w: {"kind": "screening", "pk": w.objects["screening_item"].pk},
        not_found={"outsider"},
    ),
    Route("mentors:hours", allowed=CURRENT_VIEW),
    Route("mentors:supervision", allowed=CURRENT_VIEW),
    Route("mentors:session_new", allowed=CURRENT_VIEW),
    Route("mentors:escalation_new", allowed=CURRENT_VIEW),
    Route(
        "mentors:escalation",
        allowed=STAFF,
        kwargs=lambda w: {"pk": w.objects["escalation"].pk},
        not_found={"outsider"},
    ),
    Route(
        "mentors:escalation_acknowledge",
        allowed=STAFF,
        method="POST",
        kwargs=lambda w: {"pk": w.objects["escalation"].pk},
        not_found={"outsider"},
    ),
    Route(
        "mentors:escalation_resolve",
        allowed=STAFF,
        method="POST",
        kwargs=lambda w: {"pk": w.objects["escalation"].pk},
        data=lambda w: {"notes": "Called her."},
        not_found={"outsider"},
    ),
    Route(
        "mentors:checkin_seen",
        allowed=STAFF,
        method="POST",
        kwargs=lambda w: {"pk": w.objects["checkin"].pk},
        not_found={"outsider"},
    ),
]
