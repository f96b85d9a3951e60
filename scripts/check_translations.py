"""Every user-facing string of every Kindred app must have a Spanish translation.

For each app under kindred/: refresh its catalogue (`makemessages -l es`, which needs GNU
gettext), fail on any untranslated or fuzzy entry and on any error `msgfmt --check` finds (a
plural entry with fewer forms than the header's nplurals shows English at runtime, a format
placeholder the translation lost...), then compile the catalogues. With
--update-only it refreshes and compiles without failing, for translators at work; with
--app NAME it works on that app only.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Every app, and kindred/lib, whose catalogue settings.LOCALE_PATHS names.
APPS = sorted(
    p for p in (ROOT / "kindred").iterdir() if (p / "apps.py").exists() or (p / "locale").is_dir()
)
ENV = {**os.environ, "DEBUG": "true"}


def entries(po_text: str) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for block in re.split(r"\n\s*\n", po_text):
        lines = [line for line in block.strip().splitlines() if line and not line.startswith("#~")]
        if not lines:
            continue
        entry: dict[str, str] = {"flags": ""}
        key = None
        for line in lines:
            if line.startswith("#,"):
                entry["flags"] += line
            elif line.startswith("#"):
                continue
            elif line.startswith("msg"):
                key, _, rest = line.partition(" ")
                entry[key] = rest.strip()[1:-1]
            elif line.startswith('"') and key:
                entry[key] += line.strip()[1:-1]
        if "msgid" in entry:
            found.append(entry)
    return found


def problems(po: Path) -> list[str]:
    bad = []
    for entry in entries(po.read_text(encoding="utf-8")):
        if entry["msgid"] == "":
            continue  # the header
        translations = [v for k, v in entry.items() if k.startswith("msgstr")]
        if "fuzzy" in entry["flags"]:
            bad.append(f"fuzzy: {entry['msgid'][:70]!r}")
        elif not translations or any(t == "" for t in translations):
            bad.append(f"untranslated: {entry['msgid'][:70]!r}")
    return bad


def msgfmt_errors(po: Path) -> list[str]:
    """What `msgfmt --check` refuses in a catalogue (its warnings about header fields that keep
    their default values are not errors)."""
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file", os.devnull, str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode == 0:
        return []
    lines = [
        line.replace(f"{ROOT}{os.sep}", "")
        for line in result.stderr.splitlines()
        if "warning:" not in line
    ]
    return [f"msgfmt --check: {line}" for line in lines] or ["msgfmt --check failed"]


def main() -> int:
    update_only = "--update-only" in sys.argv
    apps = APPS
    if "--app" in sys.argv:
        wanted = sys.argv[sys.argv.index("--app") + 1]
        apps = [app for app in APPS if app.name == wanted]
    if shutil.which("xgettext") is None or shutil.which("msgfmt") is None:
        message = (
            "GNU gettext is not installed (apt-get install gettext): translations NOT checked."
        )
        if os.environ.get("CI") == "true":
            print(message + " Under CI that is a failure.")
            return 1
        print(message)
        return 0
    failures = []
    for app in apps:
        (app / "locale" / "es" / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "makemessages",
                "-l",
                "es",
                "--no-obsolete",
                "--add-location",
                "file",
                "--ignore",
                "tests/*",
            ],
            cwd=app,
            env=ENV,
            check=True,
            capture_output=True,
        )
        po = app / "locale" / "es" / "LC_MESSAGES" / "django.po"
        if po.exists():
            failures += [f"{app.name}: {p}" for p in problems(po) + msgfmt_errors(po)]
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "compilemessages"],
            cwd=app,
            env=ENV,
            check=True,
            capture_output=True,
        )
    if failures and not update_only:
        print(f"{len(failures)} Spanish translations missing, fuzzy or refused by msgfmt:")
        print("\n".join(failures))
        return 1
    print(f"translations: {len(apps)} apps checked, {len(failures)} missing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
