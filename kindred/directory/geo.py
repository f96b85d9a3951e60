"""Distance from a US ZIP code, offline: ZIP centroids from the `zipcodes` package."""

import math
from functools import cache

EARTH_RADIUS_MILES = 3958.8
METERS_PER_MILE = 1609.344


@cache
def _centroids() -> dict[str, tuple[float, float]]:
    import zipcodes

    table: dict[str, tuple[float, float]] = {}
    for row in zipcodes.list_all():
        try:
            table[row["zip_code"]] = (float(row["lat"]), float(row["long"]))
        except (KeyError, TypeError, ValueError):
            continue
    return table


def normalize_zip(value: str) -> str:
    digits = "".join(ch for ch in (value or "") if ch.isdigit())
    return digits[:5] if len(digits) >= 5 else ""


def zip_centroid(value: str) -> tuple[float, float] | None:
    code = normalize_zip(value)
    return _centroids().get(code) if code else None


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
