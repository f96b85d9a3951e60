"""The simulated users of `bench/bench_load.py`, run by Locust in its own process.

Each user is the demo coordinator, signed in once through the real login form, who then
thinks 1-3 s between requests and does what the issue's mix says: 70% page reads (home,
families, referral queue and dashboard, mentors, directory, a referral), 25% writes (a
contact attempt logged on a referral: a form post, its audit event and the daily counts),
5% exports (the families CSV and the dashboard's CSV). Any answer other than the expected
one counts as an error. This file is never imported by the benchmark runner itself (Locust
patches the standard library with gevent when it is imported).
"""

import os
import random
import re
from datetime import UTC, datetime, timedelta

from locust import HttpUser, between, task

EMAIL = os.environ.get("KINDRED_LOAD_EMAIL", "coordinator@demo.kindred.test")
PASSWORD = os.environ.get("KINDRED_DEMO_PASSWORD", "kindred-demo-2026")
READS = [
    "/",
    "/families/",
    "/referrals/queue/",
    "/referrals/dashboard/",
    "/mentors/",
    "/directory/",
]
EXPORTS = ["/families/export/", "/referrals/dashboard/export.csv"]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Coordinator(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        # A browser remembered after the second step (bench_load signs in once with the demo
        # authenticator's code): the password alone then signs in, as on a coordinator's phone.
        remembered = os.environ.get("KINDRED_BENCH_REMEMBER", "")
        if remembered:
            self.client.cookies.set("kindred_2fa_remember", remembered)
        page = self.client.get("/accounts/login/", name="sign-in form")
        found = TOKEN.search(page.text)
        if found is None:
            raise RuntimeError("the login page carries no CSRF token")
        answer = self.client.post(
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": found.group(1),
                "username": EMAIL,
                "password": PASSWORD,
                "next": "/",
            },
            allow_redirects=False,
            name="sign in",
        )
        if answer.status_code != 302 or "/two-step/" in answer.headers.get("Location", ""):
            raise RuntimeError(
                f"signing in answered HTTP {answer.status_code} "
                f"({answer.headers.get('Location', '')}): no remembered browser"
            )
        queue = self.client.get("/referrals/queue/")
        self.referrals = sorted({int(pk) for pk in re.findall(r"/referrals/(\d+)/", queue.text)})
        token = TOKEN.search(queue.text)
        self.token = token.group(1) if token else self.client.cookies.get("csrftoken", "")

    @task(70)
    def read(self) -> None:
        if self.referrals and random.random() < 0.15:
            self.client.get(f"/referrals/{random.choice(self.referrals)}/", name="/referrals/[id]/")
        else:
            self.client.get(random.choice(READS))

    @task(25)
    def write(self) -> None:
        if not self.referrals:
            self.read()
            return
        at = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        with self.client.post(
            f"/referrals/{random.choice(self.referrals)}/contact-attempt/",
            data={
                "csrfmiddlewaretoken": self.token,
                "attempt-outcome": "no-answer",
                "attempt-method": "phone",
                "attempt-at": at,
                "attempt-note": "Load test: no answer",
                "attempt-next_attempt_on": "",
            },
            allow_redirects=False,
            name="/referrals/[id]/contact-attempt/",
            catch_response=True,
        ) as answer:
            if answer.status_code == 302:
                answer.success()
            else:
                answer.failure(f"HTTP {answer.status_code} (a 302 was expected)")

    @task(5)
    def export(self) -> None:
        self.client.get(random.choice(EXPORTS))
