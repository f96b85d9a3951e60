import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


def test_it_reports_database_reachability() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_it_reports_an_unreachable_database(monkeypatch) -> None:
    from django.db.backends.base import base

    def broken(self, *args, **kwargs):
        raise OperationalError("down")

    monkeypatch.setattr(base.BaseDatabaseWrapper, "cursor", broken)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_it_sends_security_headers_on_every_response(world) -> None:
    for client, path in ((Client(), "/accounts/login/"), (world.client("coordinator"), "/")):
        response = client.get(path)
        csp = response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"


def test_it_forbids_caching_of_pages_for_signed_in_people(world) -> None:
    response = world.client("coordinator").get("/")
    assert "no-store" in response["Cache-Control"]


def test_it_sends_hsts_and_secure_cookies_over_https() -> None:
    env = {"PATH": "/usr/bin:/bin", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "kindred.test"}
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='kindred.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["31536000", "True", "True", "True", "False"]


def test_it_is_clean_under_check_deploy_and_refuses_to_start_without_a_secret_key() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/check_deploy.py"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_refuses_a_weak_secret_key_in_production() -> None:
    env = {"PATH": "/usr/bin:/bin", "SECRET_KEY": "django-insecure-short", "DEBUG": "false"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


def test_it_shows_the_home_page_by_role(world, django_assert_max_num_queries) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from kindred.mentors.models import Escalation
    from kindred.mentors.services import program_ensure_mentor_lists
    from kindred.mentors.tests.factories import make_active, make_applicant
    from kindred.referrals.models import Referral
    from kindred.referrals.services import ReferredFamily
    from kindred.referrals.tests.conftest import make_referral

    # A program with work waiting in every app, so that a query per row would show.
    for n in range(6):
        make_referral(
            world,
            family=ReferredFamily(
                caregiver_first_name=f"Parent{n}", phone=f"555-300-{n:04d}", child_first_name="K"
            ),
        )
    Referral.objects.filter(pk__in=Referral.objects.values("pk")[:3]).update(
        received_at=timezone.now() - timedelta(hours=50), due_at=timezone.now() - timedelta(hours=2)
    )
    program_ensure_mentor_lists(program=world.program_a)
    mentors = [
        make_active(world.program_a, world.coordinator, email=f"m{n}@example.test")
        for n in range(3)
    ]
    for n in range(2):
        make_applicant(world.program_a, email=f"new{n}@example.test")
    for mentor in mentors:
        Escalation.objects.create(
            program=world.program_a, mentor=mentor, raised_by=world.coordinator, concern="Worry"
        )
    client = world.client("coordinator")
    # The home page gathers a card from every app (families, referrals, directory, mentors,
    # matching): a fixed number of queries each, whatever the program's size.
    # (25 with a cold cache: each part of the summary is one aggregate or two.)
    with django_assert_max_num_queries(25):
        text = client.get("/").content.decode()
    # Warm: the cards come from the per-program summary and the person's unread notifications
    # from their personal part, all read in one cache round trip (issue 16): no query.
    with django_assert_max_num_queries(0):
        warm = client.get("/").content.decode()
    assert "3 overdue, 0 due within 12 hours; 6 referrals waiting for first contact in all." in warm
    assert warm.count("badge overdue") == 3 and "6 unread" in warm
    assert "Program A" in text and "Members" in text and "Audit trail" in text
    # True counts: open records, not "families supported".
    assert "6 open family records, 0 closed" in text
    assert "3 overdue, 0 due within 12 hours; 6 referrals waiting for first contact in all." in text
    assert text.count("badge overdue") == 3  # the three overdue referrals, listed by name
    assert "6 unread" in text
    assert "People who applied to become a" in text
    # A work list: the referrals first, the families' numbers after the work.
    assert (
        text.index("First contact due")
        < text.index("Open escalations")
        < text.index("open family records")
    )
    supervisor = world.client("supervisor")
    with django_assert_max_num_queries(24):
        supervisor_text = supervisor.get("/").content.decode()
    # A supervisor's page opens with the escalations, then the check-ins.
    assert (
        supervisor_text.index("Open escalations")
        < supervisor_text.index("Check-ins asking for attention")
        < supervisor_text.index("First contact due")
    )
    # Then the mentors whose monthly supervision is due: the three active ones, none supervised.
    assert (
        supervisor_text.index("Check-ins asking for attention")
        < supervisor_text.index("Supervision due")
        < supervisor_text.index("First contact due")
    )
    assert "Active mentors with no supervision session in the last 30 days." in supervisor_text
    mentor_text = world.client("mentor").get("/").content.decode()
    assert "Audit trail" not in mentor_text and "Members" not in mentor_text
    assert "My work as a" in mentor_text and "My families" in mentor_text
    referrer_text = world.client("referrer").get("/").content.decode()
    assert (
        "My referrals" in referrer_text and 'class="button" href="/referrals/new/"' in referrer_text
    )
    assert "First contact due" not in referrer_text
    evaluator = world.client("evaluator")
    with django_assert_max_num_queries(24):
        evaluator_text = evaluator.get("/").content.decode()
    assert "The program&#x27;s numbers" in evaluator_text
    assert "Referred</dt><dd>6</dd>" in evaluator_text
    assert evaluator.get("/referrals/dashboard/").status_code == 200


def test_it_tells_a_person_without_programs_what_to_do(db) -> None:
    from kindred.accounts.models import User

    user = User.objects.create_user("lonely@a.test", "x" * 14, full_name="Lonely")
    client = Client()
    client.force_login(user)
    assert "Ask your program coordinator" in client.get("/").content.decode()


def test_it_loads_the_demo_twice_without_duplicates(db) -> None:
    from django.core.management import call_command

    from kindred.accounts.models import User
    from kindred.programs.models import Membership, Program

    call_command("load_demo", "--quiet-logins")
    counts = (User.objects.count(), Program.objects.count(), Membership.objects.count())
    call_command("load_demo", "--quiet-logins")
    assert (User.objects.count(), Program.objects.count(), Membership.objects.count()) == counts
    assert counts[0] >= 8


def test_it_serves_the_api_schema_as_openapi_3_1(world) -> None:
    schema = Client().get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    me = world.client("referrer").get("/api/me").json()
    assert me["email"] == "referrer@a.test"
    assert me["roles"] == [
        {"program_id": world.program_a.pk, "program": "Program A", "role": "referrer"}
    ]
    assert Client().get("/api/me").status_code == 401


def test_it_keeps_docs_permissions_md_true() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/permissions_doc.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
