"""`manage.py check --deploy` must be clean under production settings, and production must
refuse to start without a real SECRET_KEY."""

import os
import secrets
import subprocess
import sys

# Only what a process needs to run: every Kindred setting at its production default.
base = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "KINDRED_VAR_DIR"}}
production = {
    **base,
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "kindred.example.org",
    "SITE_URL": "https://kindred.example.org",
}
result = subprocess.run(
    [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
    env=production,
    capture_output=True,
    text=True,
)
print(result.stdout + result.stderr)
if result.returncode != 0:
    sys.exit("check --deploy is not clean under production settings")

no_key = {**base, "DEBUG": "false"}
refused = subprocess.run(
    [sys.executable, "manage.py", "check"], env=no_key, capture_output=True, text=True
)
if refused.returncode == 0 or "SECRET_KEY" not in refused.stderr:
    sys.exit("production started without a SECRET_KEY")
print("production refuses to start without SECRET_KEY: ok")
