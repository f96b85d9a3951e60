"""Distance from a US ZIP code, offline: ZIP centroids from the `zipcodes` package.

The package holds about 42,000 full records (city, county, area codes...): listing them in a
web worker raised it from 80 to 225 MiB for good, and even one lookup makes its extension
decompress the whole set and keep it (about 40 MiB). So a worker never imports it. The
centroids are kept compactly instead: three sorted arrays (ZIP as a number, latitude,
longitude; under 1 MiB), read from `VAR_DIR/cache/zip-centroids-<package version>.bin`. When
that file is missing, a short-lived child process (`python -m kindred.directory.geo`) lists the
package's records and writes the arrays, so the memory it takes goes back with the process.
The coordinates are the package's own floats, so distances are the same as before.
"""

import math
import os
import struct
import subprocess
import sys
import tempfile
from array import array
from bisect import bisect_left
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

EARTH_RADIUS_MILES = 3958.8
METERS_PER_MILE = 1609.344
MAGIC = b"KZIP1"
HEADER = struct.Struct("<5sI")  # magic, number of ZIP codes


def table_bytes() -> bytes:
    """The packed centroid arrays, built from the package (run in the child process)."""
    import zipcodes

    rows = []
    for row in zipcodes.list_all():
        try:
            rows.append((int(row["zip_code"]), float(row["lat"]), float(row["long"])))
        except (KeyError, TypeError, ValueError):
            continue
    rows.sort()
    codes = array("I", (code for code, _lat, _lon in rows))
    latitudes = array("d", (lat for _code, lat, _lon in rows))
    longitudes = array("d", (lon for _code, _lat, lon in rows))
    return (
        HEADER.pack(MAGIC, len(rows)) + codes.tobytes() + latitudes.tobytes() + longitudes.tobytes()
    )


def _unpack(data: bytes) -> tuple[array, array, array] | None:
    if len(data) < HEADER.size:
        return None
    magic, count = HEADER.unpack_from(data)
    codes, latitudes, longitudes = array("I"), array("d"), array("d")
    sizes = (count * codes.itemsize, count * latitudes.itemsize, count * longitudes.itemsize)
    if magic != MAGIC or len(data) != HEADER.size + sum(sizes):
        return None
    start = HEADER.size
    parts: tuple[array[Any], ...] = (codes, latitudes, longitudes)
    for part, size in zip(parts, sizes, strict=True):
        part.frombytes(data[start : start + size])
        start += size
    return codes, latitudes, longitudes


def _cache_file() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "cache" / f"zip-centroids-{version('zipcodes')}.bin"


def _built_in_a_child() -> bytes:
    root = Path(__file__).resolve().parents[2]
    # Our own interpreter and module, no shell.
    return subprocess.run(
        [sys.executable, "-m", "kindred.directory.geo"],
        cwd=root,
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout


def _keep(path: Path, data: bytes) -> None:
    """Write the cache file for the next workers; a read-only disk only costs a rebuild."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as out:
            out.write(data)
        os.chmod(out.name, 0o644)
        os.replace(out.name, path)
    except OSError:
        pass


@cache
def _table() -> tuple[array, array, array]:
    path = _cache_file()
    try:
        found = _unpack(path.read_bytes())
    except OSError:
        found = None
    if found is None:
        data = _built_in_a_child()
        found = _unpack(data)
        if found is None:
            raise RuntimeError("the ZIP centroid table could not be built")
        _keep(path, data)
    return found


def normalize_zip(value: str) -> str:
    digits = "".join(ch for ch in (value or "") if ch.isdigit())
    return digits[:5] if len(digits) >= 5 else ""


def zip_centroid(value: str) -> tuple[float, float] | None:
    code = normalize_zip(value)
    if not code or not code.isascii():
        return None
    codes, latitudes, longitudes = _table()
    number = int(code)
    index = bisect_left(codes, number)
    if index == len(codes) or codes[index] != number:
        return None
    return latitudes[index], longitudes[index]


def miles_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(center: tuple[float, float], miles: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lon, max lon) enclosing a circle: lets an index do the first cut."""
    lat, lon = center
    dlat = miles / 69.0
    dlon = miles / max(1e-6, 69.0 * math.cos(math.radians(lat)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


if __name__ == "__main__":
    sys.stdout.buffer.write(table_bytes())
