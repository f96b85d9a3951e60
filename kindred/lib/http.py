import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def _ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The address audit rows and throttles count: REMOTE_ADDR, or behind proxies you run
    (`USE_X_FORWARDED_FOR`), the X-Forwarded-For entry `TRUSTED_PROXY_COUNT` places from the
    right. Each proxy appends the address it received the request from, so that entry was
    written by the outermost trusted proxy; everything to its left the client chose (as
    werkzeug's ProxyFix and Django REST framework's NUM_PROXIES read it). A header that is
    malformed or shorter than the proxy chain falls back to REMOTE_ADDR."""
    remote = _ip(request.META.get("REMOTE_ADDR") or "")
    if not settings.USE_X_FORWARDED_FOR:
        return remote
    proxies = max(1, settings.TRUSTED_PROXY_COUNT)
    # Several X-Forwarded-For headers arrive joined with commas (WSGI, RFC 9110 field lists).
    entries = [e.strip() for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(entries) < proxies or not entries[-proxies]:
        return remote
    return _ip(entries[-proxies]) or remote


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` parameter when it points to this host, else the fallback (no open redirects)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback
