"""FHIR: referral intake, and the sender's `_lastUpdated` poll at 100,000 referrals.

A child process (Django with DEBUG=false on the benchmark's PostgreSQL database) registers an
EHR client for the demo program with a key generated here and gets a real token, then:
- intake: posts Gravity transaction bundles (the published examples, each with its own
  ServiceRequest identifier and parent) to `/fhir/` through Django's test client — read,
  validated with fhir.resources, mapped and created — against the web form's service,
  `referral_create`, called with the same family, alternating rounds; referrals per second;
- poll: fills the program with 100,000 referrals from that EHR (10,000 with BENCH_QUICK=1; the
  family of each consents to share its progress) over two years, then
  `GET /fhir/Task?_lastUpdated=gt<an hour ago>` (a poller's usual question) and
  `gt<30 days ago>` against the bare SQL of the same search (the count and the first page of
  50 rows, the sender's scope in the WHERE clause); each line gives the median.
"""

import json
import os
import secrets
import subprocess
from pathlib import Path

try:
    from common import BenchContext, BenchResult
except ModuleNotFoundError:  # imported as bench.bench_fhir
    from bench.common import BenchContext, BenchResult

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import copy, json, os, random, statistics, sys, time, uuid
from datetime import timedelta

import django
django.setup()

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from joserfc import jwt
from joserfc.jwk import RSAKey

from kindred.core.demo import build_base
from kindred.families.models import Consent, Family
from kindred.fhir.models import FhirClient, FhirClientProgram
from kindred.lib.standards import GRAVITY_FHIR_DIR
from kindred.referrals import daily
from kindred.referrals.models import ExternalReferrer, Referral, Source
from kindred.referrals.services import ReferredFamily, referral_create
from kindred.referrals.status import Status

SIZE = int(os.environ["BENCH_REFERRALS"])
ROUNDS = int(os.environ["BENCH_ROUNDS"])
REPEAT = int(os.environ["BENCH_REPEAT"])
INTAKE = int(os.environ["BENCH_INTAKE"])
OWNER = "Organization/SDOHCC-OrganizationCoordinationPlatformExample"

ctx = build_base(password="bench-" + os.environ["SECRET_KEY"][:20])
program, referrer = ctx.program, ctx.users["referrer"]
key = RSAKey.generate_key(2048, parameters={"kid": "bench"})
client_row = FhirClient.objects.create(
    name="Bench EHR", organization=program.organization,
    jwks={"keys": [key.as_dict(private=False)]}, created_by=ctx.users["coordinator"],
)
FhirClientProgram.objects.create(client=client_row, program=program, owner_reference=OWNER)
http = Client()
now_s = int(time.time())
assertion = jwt.encode(
    {"alg": "RS384", "kid": "bench"},
    {"iss": client_row.client_id, "sub": client_row.client_id,
     "aud": "http://testserver/fhir/auth/token", "exp": now_s + 240, "jti": uuid.uuid4().hex},
    key, algorithms=["RS384"],
)
from urllib.parse import urlencode
answer = http.post("/fhir/auth/token", urlencode({
    "grant_type": "client_credentials",
    "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    "client_assertion": assertion,
    "scope": "system/ServiceRequest.write system/Task.read system/Task.write",
}), content_type="application/x-www-form-urlencoded")
assert answer.status_code == 200, answer.content
auth = {"Authorization": "Bearer " + answer.json()["access_token"]}

def gravity(name):
    return json.loads((GRAVITY_FHIR_DIR / f"{name}.json").read_text())

NAMES = [
    "ServiceRequest-SDOHCC-ServiceRequestActiveFoodPantryApplicationAssistExample",
    "Task-SDOHCC-TaskReferralManagementOrderFulfillmentAcceptedExample",
    "Patient-pat-53234",
    "RelatedPerson-SDOHCC-RelatedPersonMotherExample",
    "PractitionerRole-SDOHCC-PractitionerRoleDrJanWaterExample",
    "Practitioner-SDOHCC-PractitionerDrJanWaterExample",
    "Organization-SDOHCC-OrganizationClinicExample",
    "Organization-SDOHCC-OrganizationCoordinationPlatformExample",
    "Consent-SDOHCC-ConsentInformationDisclosureExample",
]
TEMPLATE = [gravity(n) for n in NAMES]

def bundle(i):
    entries = []
    for resource in copy.deepcopy(TEMPLATE):
        if resource["resourceType"] == "ServiceRequest":
            resource["identifier"] = [{"system": "urn:bench", "value": f"sr-{i}"}]
        if resource["resourceType"] == "RelatedPerson":
            resource["name"] = [{"use": "official", "family": f"Benchmother{i}", "given": [f"Eve{i}"]}]
            resource["telecom"] = [{"system": "phone", "value": f"773-{i // 10000 % 1000:03d}-{i % 10000:04d}"}]
        entries.append({
            "fullUrl": f"http://ehr.example/fhir/{resource['resourceType']}/{resource['id']}",
            "resource": resource,
            "request": {"method": "POST", "url": resource["resourceType"]},
        })
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}

def family_of(i):
    return ReferredFamily(
        caregiver_first_name=f"Eve{i}", caregiver_last_name=f"Benchmother{i}",
        phone=f"708-{i // 10000 % 1000:03d}-{i % 10000:04d}", email="", language="en",
        child_first_name="Colin", child_birth_date=None,
    )

counter = [0]
def fhir_one():
    counter[0] += 1
    response = http.post("/fhir/", json.dumps(bundle(counter[0])),
                         content_type="application/fhir+json", headers=auth)
    assert response.status_code == 200, response.content[:300]

def form_one():
    counter[0] += 1
    referral_create(
        program=program, family=family_of(counter[0]), source=Source.REFERRER, by=referrer,
        consent_to_contact=True, consent_obtained_by="Bench", consent_method="electronic",
        share_status_with_referrer=True, notify_referrer=False, reasons=[], looking_for="",
        urgency="routine", referrer_role="social-worker", referrer_department="",
    )

fhir_one(); form_one()  # warm up
intake = {"fhir": [], "form": []}
for _ in range(ROUNDS):
    for name, fn in (("fhir", fhir_one), ("form", form_one)):
        begin = time.perf_counter()
        for _ in range(INTAKE):
            fn()
        intake[name].append(INTAKE / (time.perf_counter() - begin))

# The poll: SIZE referrals from this EHR.
referrer_row = ExternalReferrer.objects.filter(sender_organization=program.organization).first()
rng = random.Random(7)
now = timezone.now()
existing = Referral.objects.filter(program=program, source=Source.EHR).count()
if existing < SIZE:
    todo = SIZE - existing
    families = Family.objects.bulk_create(
        [Family(program=program, name=f"Bench EHR family {i}", sort_name=f"bench ehr family {i}")
         for i in range(todo)], batch_size=5000)
    Consent.objects.bulk_create(
        [Consent(family=f, scope=Consent.Scope.SHARE_STATUS_WITH_REFERRER,
                 decision=Consent.Decision.GRANTED, method=Consent.Method.ELECTRONIC,
                 effective_at=now - timedelta(days=800)) for f in families], batch_size=5000)
    statuses = [Status.REQUESTED, Status.ACCEPTED, Status.IN_PROGRESS, Status.COMPLETED]
    rows = []
    for i, family in enumerate(families):
        received = now - timedelta(minutes=rng.randint(60 * 24 * 3, 2 * 365 * 24 * 60))
        updated = min(now, received + timedelta(minutes=rng.randint(0, 60 * 24 * 90)))
        rows.append(Referral(
            program=program, family=family, source=Source.EHR, external_referrer=referrer_row,
            consent_to_contact=True, consent_obtained_by="bench", consent_method="electronic",
            share_status_with_referrer=True, status=rng.choice(statuses),
            received_at=received, due_at=received + timedelta(hours=48),
            status_changed_at=updated, updated_at=updated, version=rng.randint(1, 6),
        ))
    with transaction.atomic():
        Referral.objects.bulk_create(rows, batch_size=5000)
        daily.rebuild(program.pk)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE referrals_referral")
        cursor.execute("ANALYZE")

from datetime import UTC
bounds = {"hour": now - timedelta(hours=1), "30d": now - timedelta(days=30)}
SQL = (
    "SELECT {cols} FROM referrals_referral r JOIN referrals_externalreferrer e "
    "ON e.id = r.external_referrer_id WHERE r.source = 'ehr' AND e.sender_organization_id = %s "
    "AND r.program_id IN (SELECT program_id FROM fhir_fhirclientprogram WHERE client_id = %s) "
    "AND (r.updated_at > %s OR r.received_at > %s) {tail}"
)
def bare(bound):
    args = [program.organization_id, client_row.pk, bound, bound]
    with connection.cursor() as cursor:
        cursor.execute(SQL.format(cols="count(*)", tail=""), args)
        total = cursor.fetchone()[0]
        cursor.execute(SQL.format(cols="r.*", tail="ORDER BY r.updated_at, r.id LIMIT 50"), args)
        cursor.fetchall()
    return total

samples = {}
totals = {}
for name, bound in bounds.items():
    url = "/fhir/Task?_lastUpdated=gt" + bound.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    response = http.get(url, headers=auth)
    assert response.status_code == 200, response.content[:300]
    totals[name] = (response.json()["total"], bare(bound))
    samples[name] = {"fhir": [], "sql": []}
    for _ in range(ROUNDS):
        for _ in range(REPEAT):
            begin = time.perf_counter(); http.get(url, headers=auth)
            samples[name]["fhir"].append((time.perf_counter() - begin) * 1000)
            begin = time.perf_counter(); bare(bound)
            samples[name]["sql"].append((time.perf_counter() - begin) * 1000)
print("BENCH-RESULT " + json.dumps({
    "referrals": Referral.objects.filter(program=program, source=Source.EHR).count(),
    "intake": {k: statistics.median(v) for k, v in intake.items()},
    "poll": {n: {k: statistics.median(v) for k, v in s.items()} for n, s in samples.items()},
    "totals": totals,
}))
"""


def run(ctx: BenchContext) -> list[BenchResult]:
    size = 10_000 if ctx.quick else 100_000
    env = dict(os.environ)
    env.pop("KINDRED_FAST_PASSWORD_HASHER", None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "kindred.settings",
            "DATABASE_URL": ctx.database_url,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "HTTPS": "false",
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "TASKS_BACKEND": "immediate",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
            "BENCH_REFERRALS": str(size),
            "BENCH_ROUNDS": "3" if ctx.quick else "5",
            "BENCH_REPEAT": "3" if ctx.quick else "5",
            "BENCH_INTAKE": "10" if ctx.quick else "20",
        }
    )
    completed = subprocess.run(
        [ctx.python, "-c", CHILD],
        cwd=ctx.root or ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    line = next(
        (ln for ln in completed.stdout.splitlines() if ln.startswith("BENCH-RESULT ")), None
    )
    if completed.returncode != 0 or line is None:
        tail = "\n".join((completed.stdout + completed.stderr).strip().splitlines()[-20:])
        raise RuntimeError(f"the FHIR benchmark process failed:\n{tail}")
    data = json.loads(line.removeprefix("BENCH-RESULT "))
    intake, poll, totals = data["intake"], data["poll"], data["totals"]
    label = f"{data['referrals']:,} EHR referrals"
    return [
        BenchResult(
            name="FHIR referral intake (Gravity bundle: validate + create)",
            value=intake["fhir"],
            baseline_name="web form's referral_create, same family",
            baseline=intake["form"],
            unit="referrals/s",
            higher_is_better=True,
        ),
        BenchResult(
            name=f"GET /fhir/Task?_lastUpdated=gt<1 hour ago> ({label}, {totals['hour'][0]} found)",
            value=poll["hour"]["fhir"],
            baseline_name="bare SQL (count + first 50 rows)",
            baseline=poll["hour"]["sql"],
            unit="ms",
        ),
        BenchResult(
            name=f"GET /fhir/Task?_lastUpdated=gt<30 days ago> ({label}, {totals['30d'][0]:,} found)",
            value=poll["30d"]["fhir"],
            baseline_name="bare SQL (count + first 50 rows)",
            baseline=poll["30d"]["sql"],
            unit="ms",
        ),
    ]
