"""docs/fhir.md's `curl` walk-through, run as written (bash, curl, the `fhir_demo` command)
against a live server holding the demo EHR client: token, referral, read, poll, cancel."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from kindred.fhir import demo
from kindred.fhir.models import FhirClient, FhirClientProgram
from kindred.referrals.models import Referral

ROOT = Path(settings.BASE_DIR)
MARKER = "<!-- walk-through:"


def walkthrough() -> str:
    text = (ROOT / "docs" / "fhir.md").read_text(encoding="utf-8")
    after = text.split(MARKER, 1)[1]
    found = re.search(r"```sh\n(.*?)```", after, re.S)
    assert found, "docs/fhir.md lost its walk-through block"
    return found.group(1)


BASH = shutil.which("bash") or "/bin/bash"


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_documented_walkthrough_works(live_server, world) -> None:
    client = FhirClient.objects.create(
        client_id=demo.DEMO_CLIENT_ID,
        name="Demo EHR (published test key)",
        organization=world.org_a,
        jwks=demo.public_jwks(),
        created_by=world.coordinator,
    )
    FhirClientProgram.objects.create(
        client=client, program=world.program_a, owner_reference=demo.DEMO_OWNER
    )
    script = walkthrough().replace(".venv/bin/python", sys.executable)
    env = {**os.environ, "BASE": live_server.url, "DJANGO_SETTINGS_MODULE": "kindred.settings"}
    done = subprocess.run(
        [BASH, "-euo", "pipefail", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    referral = Referral.objects.get(program=world.program_a)
    assert referral.status == "cancelled"
    assert referral.external_referrer_id and referral.fhir_received
    assert '"resourceType":"Bundle"' in done.stdout.replace(" ", "")  # the poll's searchset
    assert '"status":"cancelled"' in done.stdout.replace(" ", "")  # the PUT's answer


def test_the_demo_client_is_made_only_while_debug_is_on(world, settings) -> None:
    from kindred.lib.demo import DemoContext

    ctx = DemoContext(
        organization=world.org_a,
        program=world.program_a,
        users={"coordinator": world.coordinator},
        password="x",
    )
    settings.DEBUG = False
    demo.load(ctx)
    assert not FhirClient.objects.filter(client_id=demo.DEMO_CLIENT_ID).exists()
    settings.DEBUG = True
    demo.load(ctx)
    demo.load(ctx)  # idempotent
    client = FhirClient.objects.get(client_id=demo.DEMO_CLIENT_ID)
    assert client.links.get().program == world.program_a
    assert "d" not in client.jwks["keys"][0]  # the public half only
