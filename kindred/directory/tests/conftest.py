from pathlib import Path
from typing import Any

import pytest

from kindred.directory.models import Condition, Kind, Modality
from kindred.directory.tests.factories import make_organization, make_service
from kindred.lib.standards import HSDS_DIR


@pytest.fixture
def hsds_dir() -> Path:
    """The official HSDS 3.0 schemas and examples, as published (`standards/hsds-3.0`)."""
    if not (HSDS_DIR / "examples").is_dir():
        pytest.fail(f"The HSDS 3.0 folder is missing at {HSDS_DIR}")
    return HSDS_DIR


@pytest.fixture
def directory(world: Any) -> dict[str, Any]:
    """A few services around Chicago (60614) and one far away, curated by org A."""
    curator = world.users["curator"]
    org = make_organization(world.org_a)
    heart = make_service(
        org, by=curator, name="Heart Parents Coffee Group", zip_code="60614",
        conditions=(Condition.HEART,), languages=("en", "es"), kind=Kind.SUPPORT_GROUP,
        description="Monthly coffee for parents of children with congenital heart disease.",
        name_es="Café de Padres del Corazón",
        description_es="Café mensual para padres de niños con cardiopatía congénita.",
        minimum_age=0, maximum_age=18,
    )  # fmt: skip
    down = make_service(
        org, by=curator, name="Trisomy 21 Family Circle", zip_code="60201",
        conditions=(Condition.DOWN_SYNDROME,), languages=("en",), kind=Kind.ONE_TO_ONE,
        description="One-to-one matches with parents of children with Down syndrome.",
        minimum_age=0, maximum_age=5,
    )  # fmt: skip
    far = make_service(
        org, by=curator, name="Heart Families of Denver", zip_code="80202",
        conditions=(Condition.HEART,), languages=("en",), kind=Kind.SUPPORT_GROUP,
        description="Parents of heart kids in Colorado.",
    )  # fmt: skip
    online = make_service(
        org, by=curator, name="Heart Moms Online", zip_code="",
        conditions=(Condition.HEART,), languages=("en", "es"), kind=Kind.ONLINE_COMMUNITY,
        description="A statewide online community for heart parents.", remote=True,
        modalities=(Modality.ONLINE,),
    )  # fmt: skip
    return {"org": org, "heart": heart, "down": down, "far": far, "online": online}
