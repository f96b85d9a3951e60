from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponseRedirect, QueryDict

from kindred.lib.search import remembered_criteria


def with_session(request, session=None):
    SessionMiddleware(lambda r: None).process_request(request)
    if session is not None:
        for key, value in session.items():
            request.session[key] = value
    return request


def test_it_keeps_search_criteria_out_of_the_url(rf) -> None:
    post = with_session(
        rf.post("/families/", {"q": "Maria Lopez", "language": ["es", "en"], "page": "3"})
    )
    response = remembered_criteria(post, "families")
    assert isinstance(response, HttpResponseRedirect)
    assert response["Location"] == "/families/"
    stored = dict(post.session.items())

    get = with_session(rf.get("/families/?page=2"), stored)
    criteria = remembered_criteria(get, "families")
    assert isinstance(criteria, QueryDict)
    assert criteria["q"] == "Maria Lopez"
    assert criteria.getlist("language") == ["es", "en"]
    assert "page" not in criteria


def test_it_clears_the_criteria(rf) -> None:
    post = with_session(
        rf.post("/families/", {"clear": "1"}), {"kindred_search:families": {"q": ["x"]}}
    )
    remembered_criteria(post, "families")
    assert "kindred_search:families" not in post.session
