"""Search criteria that may carry health information (a child's name, a phone number) never go
into a URL: URLs end up in access logs, browser history and Referer headers.

A search form posts its criteria; `remembered_criteria` keeps them in the server-side session
(per list) and redirects to the bare list URL (post/redirect/get), so pagination links carry only
`?page=N`.
"""

from django.http import HttpRequest, HttpResponseRedirect, QueryDict

SESSION_PREFIX = "kindred_search:"
IGNORED = {"csrfmiddlewaretoken", "page"}


def remembered_criteria(request: HttpRequest, key: str) -> QueryDict | HttpResponseRedirect:
    """The criteria for list `key`: a QueryDict, or a redirect to follow after a POST."""
    session_key = SESSION_PREFIX + key
    if request.method == "POST":
        if "clear" in request.POST:
            request.session.pop(session_key, None)
        else:
            request.session[session_key] = {
                name: request.POST.getlist(name) for name in request.POST if name not in IGNORED
            }
        return HttpResponseRedirect(request.path)
    criteria = QueryDict(mutable=True)
    for name, values in request.session.get(session_key, {}).items():
        criteria.setlist(name, values)
    return criteria
