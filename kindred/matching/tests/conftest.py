import pytest

from kindred.mentors.services import program_ensure_mentor_lists


@pytest.fixture
def mworld(world):
    """The world with the starter mentor lists, the shared vocabulary, two mentors of program A
    (one signs in as the mentor persona) and a family waiting for a match."""
    from kindred.matching.tests.factories import matchable_mentor, vocabulary, waiting_family

    program_ensure_mentor_lists(program=world.program_a)
    program_ensure_mentor_lists(program=world.program_b)
    vocab = vocabulary()
    world.objects["vocab"] = vocab
    world.objects["ana"] = matchable_mentor(
        world,
        name="Ana Mentor",
        email="mentor@a.test",
        user=world.mentor,
        languages=["es", "en"],
        conditions=(vocab["heart"],),
        experiences=(vocab["nicu"],),
    )
    world.objects["bea"] = matchable_mentor(
        world, name="Bea Mentor", email="bea@a.test", languages=["en"]
    )
    world.objects["family"] = waiting_family(
        world, conditions=(vocab["heart"],), experiences=(vocab["nicu"],)
    )
    return world
