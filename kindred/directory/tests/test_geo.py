"""ZIP centroids are kept compactly: a worker never loads the `zipcodes` package's 42,000
records (issue 16: one ZIP search raised a worker from 80 to 225 MiB)."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from kindred.directory import geo

PROBE = """
import os, sys
import django
django.setup()
def rss():
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS"))
from kindred.directory.geo import _cache_file, zip_centroid
before = rss()
print(zip_centroid("60612"), zip_centroid("00000"), "zipcodes" in sys.modules,
      (rss() - before) // 1024, _cache_file().exists())
"""


def _probe(var_dir: Path) -> str:
    env = {
        **os.environ,
        "KINDRED_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "kindred.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, env=env, capture_output=True,
        text=True, check=True, timeout=180,
    )  # fmt: skip
    return result.stdout.strip()


def test_it_builds_the_table_in_a_child_and_keeps_the_worker_small(tmp_path) -> None:
    centre, unknown, loaded, grew_mib, cached = _probe(tmp_path).rsplit(" ", 4)
    assert centre == "(41.8805, -87.6873)" and unknown == "None"
    assert loaded == "False"  # the package's records never enter the worker
    assert int(grew_mib) < 5
    assert cached == "True"
    # A damaged cache file is rebuilt, not trusted.
    (cache_file,) = (tmp_path / "cache").iterdir()
    cache_file.write_bytes(b"KZIP1" + b"\0" * 10)
    assert _probe(tmp_path).startswith("(41.8805, -87.6873) None False")


def test_it_finds_the_same_centroids_as_the_package() -> None:
    import zipcodes

    for code in ("60612", "00501", "99950", "10001"):
        (row,) = zipcodes.matching(code)
        assert geo.zip_centroid(code) == (float(row["lat"]), float(row["long"]))
    assert geo.zip_centroid("00000") is None
    assert geo.zip_centroid("٦٠٦١٢") is None  # digits, but not a ZIP code
    assert geo.zip_centroid("60612-1234") == geo.zip_centroid("60612")
