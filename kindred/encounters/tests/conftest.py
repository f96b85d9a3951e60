import pytest

from kindred.mentors.services import program_ensure_mentor_lists


@pytest.fixture
def eworld(world):
    """The world with two mentors of program A (Ana signs in as the mentor persona), a family
    in an active match with Ana, the program's codebook, and a family of program B."""
    from kindred.encounters.codebook import ensure_codebook
    from kindred.matching.tests.factories import active_match, matchable_mentor, waiting_family

    program_ensure_mentor_lists(program=world.program_a)
    ana = matchable_mentor(world, name="Ana Mentor", email="mentor@a.test", user=world.mentor)
    bea = matchable_mentor(world, name="Bea Mentor", email="bea@a.test")
    family = waiting_family(world, name="Quintero")
    match = active_match(world, family, ana)
    ensure_codebook(world.program_a)
    world.objects.update({"ana": ana, "bea": bea, "family": family, "match": match})
    return world
