import pytest

from kindred.mentors.services import program_ensure_mentor_lists


@pytest.fixture
def mentor_world(world):
    """The world with program A's starter screening checklist and qualification list."""
    program_ensure_mentor_lists(program=world.program_a)
    program_ensure_mentor_lists(program=world.program_b)
    return world
