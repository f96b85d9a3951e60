"""Finding resources: words, filters, distance from a ZIP code (both databases)."""

from kindred.directory.models import Condition
from kindred.directory.search import SearchQuery, search_services


def names(result) -> list[str]:
    return [hit.service.name for hit in result.hits]


def test_it_finds_services_by_words_with_name_matches_first(directory) -> None:
    result = search_services(SearchQuery(words="heart"))
    assert set(names(result)) == {
        "Heart Parents Coffee Group",
        "Heart Families of Denver",
        "Heart Moms Online",
    }
    assert "Trisomy 21 Family Circle" not in names(result)


def test_it_finds_services_by_words_in_the_description_and_in_spanish(directory) -> None:
    assert names(search_services(SearchQuery(words="Down syndrome"))) == [
        "Trisomy 21 Family Circle"
    ]
    assert "Heart Parents Coffee Group" in names(search_services(SearchQuery(words="cardiopatía")))


def test_it_filters_by_condition_language_age_and_kind(directory) -> None:
    assert names(search_services(SearchQuery(condition=Condition.DOWN_SYNDROME))) == [
        "Trisomy 21 Family Circle"
    ]
    spanish = set(names(search_services(SearchQuery(language="es"))))
    assert spanish == {"Heart Parents Coffee Group", "Heart Moms Online"}
    teens = set(names(search_services(SearchQuery(age=12))))
    assert "Trisomy 21 Family Circle" not in teens and "Heart Parents Coffee Group" in teens
    assert names(search_services(SearchQuery(kind="one_to_one"))) == ["Trisomy 21 Family Circle"]


def test_it_sorts_by_distance_and_always_keeps_virtual_services(directory) -> None:
    result = search_services(SearchQuery(zip_code="60614", miles=25))
    assert names(result) == [
        "Heart Parents Coffee Group",
        "Trisomy 21 Family Circle",
        "Heart Moms Online",
    ]
    distances = [hit.distance for hit in result.hits]
    assert distances[0] < 1 and 5 < distances[1] < 15 and distances[2] is None
    assert "Heart Families of Denver" not in names(result)


def test_it_combines_words_condition_and_distance(directory) -> None:
    result = search_services(
        SearchQuery(words="heart", condition=Condition.HEART, zip_code="80202", miles=10)
    )
    assert names(result) == ["Heart Families of Denver", "Heart Moms Online"]


def test_it_reports_an_unknown_zip_instead_of_guessing(directory) -> None:
    result = search_services(SearchQuery(zip_code="00000"))
    assert result.unknown_zip and result.total == 0


def test_it_hides_withdrawn_services(directory, world) -> None:
    directory["down"].transition(to="inactive", by=world.users["curator"], reason="closed")
    assert "Trisomy 21 Family Circle" not in names(search_services(SearchQuery()))


def test_it_pages_results(directory) -> None:
    first = search_services(SearchQuery(), per_page=2, page=1)
    second = search_services(SearchQuery(), per_page=2, page=2)
    assert first.total == 4 and first.pages == 2 and first.has_next
    assert not set(names(first)) & set(names(second))


def test_services_for_the_condition_and_for_families_come_first(world, directory) -> None:
    from kindred.directory.models import Kind
    from kindred.directory.tests.factories import make_service

    curator = world.users["curator"]
    # Named to sort first by name: only precedence puts them after.
    make_service(
        directory["org"], by=curator, name="Any Family Line", zip_code="60614",
        conditions=(Condition.ANY,), kind=Kind.INFO_LINE,
    )  # fmt: skip
    make_service(
        directory["org"], by=curator, name="Aaa Heart Volunteer Training", zip_code="60614",
        conditions=(Condition.HEART,), kind=Kind.TRAINING,
    )  # fmt: skip
    listed = names(search_services(SearchQuery(condition=Condition.HEART)))
    assert listed == [
        "Heart Families of Denver",
        "Heart Moms Online",
        "Heart Parents Coffee Group",
        "Aaa Heart Volunteer Training",
        "Any Family Line",
    ]
    near = names(search_services(SearchQuery(condition=Condition.HEART, zip_code="60614")))
    assert near.index("Heart Parents Coffee Group") < near.index("Aaa Heart Volunteer Training")
    assert near.index("Aaa Heart Volunteer Training") < near.index("Any Family Line")
    words = names(search_services(SearchQuery(words="heart", condition=Condition.HEART)))
    assert words[-1] == "Aaa Heart Volunteer Training"
