"""The parts of the base layout that are the same on every page a person opens: rendered once
per process for each version of the signed-in person's record.

The menu (and the home page's "Where to go") depends only on what the person may do, their
current program, the language and which entry is the current page. All of it but the last two
is in the person's cached record (`kindred/programs/person.py`), whose **version** changes with
anything that changes what they may do (a role, a deactivation, a sign-out, a program switch, a
program saved): so a fragment kept under the record's version is never shown after a
revocation, in any process, and needs no invalidation of its own. A bounded table per process
(least recently used out first) keeps the memory flat.
"""

from collections import OrderedDict
from threading import Lock
from typing import Any

from django import template
from django.template.context import Context
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from kindred.lib import languages
from kindred.programs.person import UNCACHED

register = template.Library()

FRAGMENTS = 512  # entries per process: about 3 kB each, a couple of MiB at most
_kept: OrderedDict[tuple[Any, ...], SafeString] = OrderedDict()
_lock = Lock()


def fragment_key(context: Context, template_name: str) -> tuple[Any, ...] | None:
    """The fragment's key, or None when the page has no person record to key it by."""
    request = context.get("request")
    user = getattr(request, "user", None)
    person = getattr(user, "_kindred_person", None)
    if person is None or person.version == UNCACHED:  # no record, or the cache is down
        return None
    items: Any = context.get("nav_items") or ()
    current = tuple(item["url"] for item in items if item["current"])
    program = context.get("current_program")
    return (
        template_name,
        getattr(user, "pk", None),
        person.version,
        getattr(program, "pk", None),
        get_language(),
        current,
    )


@register.simple_tag(takes_context=True)
def person_fragment(context: Context, template_name: str) -> SafeString:
    """`template_name` rendered with this context, or the same fragment rendered before for this
    version of the person's record (see the module's docstring for what the key holds). The
    template must depend on nothing else: no CSRF token, no form, no query string."""
    key = fragment_key(context, template_name)
    if key is not None:
        with _lock:
            kept = _kept.get(key)
            if kept is not None:
                _kept.move_to_end(key)
                return kept
    assert context.template is not None
    rendered = mark_safe(context.template.engine.get_template(template_name).render(context))
    if key is not None:
        with _lock:
            _kept[key] = rendered
            while len(_kept) > FRAGMENTS:
                _kept.popitem(last=False)
    return rendered


def forget_fragments() -> None:
    """Tests: start from an empty table."""
    with _lock:
        _kept.clear()


@register.filter
def language_name(code: str) -> str:
    """A language code's name, as a model's `get_<field>_display` would show it for a field
    with the language list as choices, without flattening the list's 2,000 choices per call."""
    return languages.language_name(code)


def _text(value: Any) -> str:
    """A value as `{{ value }}` shows it: local time, localized number, escaped."""
    local = timezone.template_localtime(value)  # type: ignore[attr-defined]
    return str(conditional_escape(localize(local)))


@register.simple_tag(takes_context=True)
def work_cards(context: Context, cards: list[dict[str, Any]]) -> SafeString:
    """The home page's work list (docs/architecture.md, "Home cards"): each card a
    `<section class="work-card [tone]">` with its `<h2>` (title, count), then its own template,
    or its text, figures (`<dl>`), entries and links (`<ul>`); then its action as a button.
    Written out here rather than a template included once per card: the template engine took
    about 80 µs a card, a fifth of the whole page. The cards come completed with every key
    (`core.views`); a card's own `template` is rendered with the page's context and `card`,
    as `{% include %}` did."""
    parts = []
    for n, card in enumerate(cards, start=1):
        tone = card["tone"]
        out = [
            f'<section class="work-card{" " + _text(tone) if tone else ""}" '
            f'aria-labelledby="card-{n}">\n'
            f'  <h2 id="card-{n}"><span>{_text(card["title"])}</span>'
        ]
        if card["count"] is not None:
            out.append(f' <span class="count">{_text(card["count"])}</span>')
        out.append("</h2>\n  ")
        if card["template"]:
            assert context.template is not None
            included = context.template.engine.get_template(card["template"])
            with context.push(card=card):
                out.append(included.render(context))
        else:
            if card["text"]:
                out.append(f"<p>{_text(card['text'])}</p>")
            out.append("\n  ")
            if card["figures"]:
                out.append('<dl class="figures">')
                out.extend(
                    f"<div><dt>{_text(f['label'])}</dt><dd>{_text(f['value'])}</dd></div>"
                    for f in card["figures"]
                )
                out.append("</dl>")
            out.append("\n  ")
            if card["entries"]:
                out.append("<ul>")
                for item in card["entries"]:
                    out.append("<li>")
                    if item["badge"]:
                        badge_class, badge_words = item["badge"][0], item["badge"][1]
                        out.append(
                            f'<span class="badge {_text(badge_class)}">{_text(badge_words)}</span> '
                        )
                    if item["url"]:
                        out.append(f'<a href="{_text(item["url"])}">{_text(item["label"])}</a>')
                    else:
                        out.append(_text(item["label"]))
                    if item["note"]:
                        out.append(f' <span class="muted">{_text(item["note"])}</span>')
                    out.append("</li>")
                out.append("</ul>")
            out.append("\n  ")
            if card["links"]:
                out.append('<ul class="link-list">')
                out.extend(
                    f'<li><a href="{_text(link["url"])}">{_text(link["label"])}</a></li>'
                    for link in card["links"]
                )
                out.append("</ul>")
            out.append("\n  ")
        out.append("\n  ")
        action = card["action"]
        if action:
            big = " big" if tone == "lead" else ""
            out.append(
                f'<p class="card-action"><a class="button{big}" href="{_text(action["url"])}">'
                f"{_text(action['label'])}</a></p>"
            )
        out.append("\n</section>")
        parts.append("".join(out))
    return mark_safe("\n".join(parts))
