"""The pages of two-factor sign-in: the code after the password, enrolment, recovery codes and
remembered browsers (kindred.accounts.second_factor holds the rules)."""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kindred.accounts import second_factor as tf
from kindred.accounts.requests import SignedInRequest
from kindred.accounts.two_factor_forms import CodeForm, SetupForm
from kindred.audit.log import record
from kindred.lib.http import safe_next


def _next(request: SignedInRequest) -> str:
    """Where to go afterwards: a path on this site, else home (never a view name to reverse)."""
    candidate = safe_next(request, "")
    return candidate if candidate.startswith("/") else reverse("core:home")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: SignedInRequest) -> HttpResponse:
    """After the password: a code from the authenticator app (or a recovery code)."""
    next_url = _next(request)
    if tf.state_of(request) != tf.VERIFY:
        return HttpResponseRedirect(next_url)
    form = CodeForm(request.POST or None, remember=True)
    if request.method == "POST" and form.is_valid():
        how = tf.verify(request, request.user, form.cleaned_data["code"])
        if how == "throttled":
            form.add_error("code", _("Wait a few seconds after a wrong code, then try again."))
        elif how is not None:
            tf.mark_verified(request, request.user, how=how)
            response = HttpResponseRedirect(next_url)
            if form.cleaned_data.get("remember"):
                tf.remember(request, response, request.user)
            if how == "recovery":
                left = tf.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    _("You used a recovery code; %(n)s are left. Make new ones on your profile.")
                    % {"n": left},
                )
            return response
        else:
            record(action="accounts.two_factor.failed", request=request, actor=request.user)
            form.add_error(
                "code", _("That code is not right, or it has expired. Try the newest one.")
            )
    request.no_store = True  # type: ignore[attr-defined]
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": next_url},
        status=400 if form.is_bound else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request: SignedInRequest) -> HttpResponse:
    """Enrolment: the app reads a key (a link opens it on a phone; the key can be typed), then
    one code proves it works. Never while a sign-in still owes its code: re-enrolling must not
    be a way round the second factor."""
    state = tf.state_of(request)
    if state == tf.VERIFY:
        return redirect(reverse("accounts:two_factor") + "?next=" + reverse("accounts:profile"))
    if tf.is_enrolled(request.user):
        messages.info(request, _("Two-step sign-in is already on for your account."))
        return redirect("accounts:profile")
    device = tf.new_authenticator(request.user)
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = "".join(form.cleaned_data["code"].split())
        if not device.verify_is_allowed()[0]:
            form.add_error("code", _("Wait a few seconds after a wrong code, then try again."))
        elif code.isdigit() and code.isascii() and device.verify_token(code):
            codes = tf.confirm_authenticator(request, request.user, device)
            tf.mark_verified(request, request.user, how="enrolment")
            return _codes_page(request, codes, next_url=_next(request))
        else:
            form.add_error("code", _("That code does not match. Check the time on your phone."))
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    request.no_store = True  # type: ignore[attr-defined]
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "config_url": device.config_url,
            "required": state == tf.SETUP,
            "next": _next(request),
        },
        status=400 if form.is_bound else 200,
    )


def _codes_page(request: SignedInRequest, codes: list[str], *, next_url: str) -> HttpResponse:
    request.no_store = True  # type: ignore[attr-defined]
    return render(request, "accounts/two_factor_codes.html", {"codes": codes, "next": next_url})


def _require_verified(request: SignedInRequest) -> None:
    if not tf.is_enrolled(request.user) or tf.state_of(request) != tf.VERIFIED:
        raise PermissionDenied


@never_cache
@login_required
@require_POST
def recovery_codes(request: SignedInRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working), shown once."""
    _require_verified(request)
    codes = tf.new_recovery_codes(request.user)
    record(action="accounts.two_factor.codes_renewed", request=request, actor=request.user)
    return _codes_page(request, codes, next_url=reverse("accounts:profile"))


@login_required
@require_POST
def forget_devices(request: SignedInRequest) -> HttpResponse:
    count = tf.forget_devices(request.user, request=request)
    messages.success(request, _("Browsers forgotten: %(n)s.") % {"n": count})
    response = redirect("accounts:profile")
    response.delete_cookie(tf.REMEMBER_COOKIE)
    return response


@login_required
@require_POST
def turn_off(request: SignedInRequest) -> HttpResponse:
    """Someone whose roles do not require it may turn two-step sign-in off again."""
    _require_verified(request)
    if tf.required(request.user):
        messages.error(request, _("Your role requires two-step sign-in; it cannot be turned off."))
        return redirect("accounts:profile")
    tf.turn_off(request.user, request=request)
    messages.success(request, _("Two-step sign-in is off."))
    return redirect("accounts:profile")
