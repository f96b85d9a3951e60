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
