"""kindred.lib.urls.url_for: the same answer as reverse, remembered, forgotten with the URLconf."""

from django.test import override_settings
from django.urls import reverse

from kindred.lib.urls import _reversed, url_for


def test_it_answers_as_reverse_does_with_and_without_arguments():
    assert url_for("referrals:queue") == reverse("referrals:queue")
    assert url_for("referrals:detail", 42) == reverse("referrals:detail", args=[42])
    assert url_for("referrals:detail", 43) == reverse("referrals:detail", args=[43])


def test_it_remembers_an_answer_and_forgets_it_when_the_urlconf_changes():
    _reversed.cache_clear()
    url_for("referrals:queue")
    url_for("referrals:queue")
    assert _reversed.cache_info().hits == 1
    with override_settings(ROOT_URLCONF="kindred.urls"):
        assert _reversed.cache_info().currsize == 0
        assert url_for("referrals:queue") == reverse("referrals:queue")
