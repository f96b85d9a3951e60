"""Revocation across two server processes sharing the Redis cache: a role removed in one is
refused at once in the other. PostgreSQL only (the second process needs the test database)."""

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings

from kindred.core.testing.personas import build_world, signed_in
from kindred.programs.models import Membership, OrganizationMembership
from kindred.programs.services import membership_deactivate

REDIS = ("127.0.0.1", 6379)


def _redis_up() -> bool:
    try:
        socket.create_connection(REDIS, timeout=0.5).close()
    except OSError:
        return False
    return True


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the second process needs the test database on PostgreSQL",
    ),
    pytest.mark.skipif(not _redis_up(), reason="Redis is not running on 127.0.0.1:6379"),
]


@pytest.fixture
def shared_cache():
    prefix = f"kindred-test-{uuid.uuid4().hex}"
    url = f"redis://{REDIS[0]}:{REDIS[1]}/0"
    caches = {
        "default": {
            "BACKEND": "kindred.core.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=caches):
        yield url, prefix
        from django.core.cache import cache

        cache.clear()


@pytest.fixture
def other_process(shared_cache):
    url, prefix = shared_cache
    db = connection.settings_dict
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CACHE_URL": url,
        "CACHE_KEY_PREFIX": prefix,
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("serve_paths.py"))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
    )
    assert child.stdout is not None and child.stdin is not None
    assert child.stdout.readline().strip() == "ready"

    def get(key: str, path: str) -> int:
        child.stdin.write(f"{key} {path}\n")
        child.stdin.flush()
        return int(child.stdout.readline())

    yield get
    child.stdin.close()
    child.wait(timeout=30)


def test_a_role_removed_here_is_refused_at_once_in_the_other_process(other_process) -> None:
    world = build_world()
    client = Client()
    signed_in(client, world.mentor)
    key = client.session.session_key
    assert other_process(key, "/mentors/home/") == 200  # the record is cached, shared
    membership = Membership.objects.get(user=world.mentor, program=world.program_a)
    membership_deactivate(membership=membership, by=world.coordinator)
    assert other_process(key, "/mentors/home/") == 302  # deactivated with its last role: signed out


def test_an_organization_role_removed_here_is_refused_at_once_there(other_process) -> None:
    world = build_world()
    client = Client()
    signed_in(client, world.admin)
    key = client.session.session_key
    assert other_process(key, "/program/members/") == 200
    OrganizationMembership.objects.filter(user=world.admin).delete()
    assert other_process(key, "/program/members/") == 404


def test_a_sign_out_here_ends_the_session_there(other_process) -> None:
    world = build_world()
    client = Client()
    signed_in(client, world.coordinator)
    key = client.session.session_key
    assert other_process(key, "/families/") == 200
    client.post("/accounts/logout/")
    assert other_process(key, "/families/") == 302
