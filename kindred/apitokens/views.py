"""The person's API tokens (`/api-tokens/`): list with last use, create (shown once), revoke."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kindred.accounts.requests import SignedInRequest
from kindred.apitokens.forms import TokenForm
from kindred.apitokens.models import PersonalToken
from kindred.apitokens.services import token_create, token_revoke


def _page(
    request: SignedInRequest, form: TokenForm, *, secret: str = "", status: int = 200
) -> HttpResponse:
    tokens = PersonalToken.objects.filter(user=request.user).prefetch_related("programs")
    return render(
        request,
        "apitokens/tokens.html",
        {"form": form, "tokens": tokens, "secret": secret},
        status=status,
    )


@never_cache
@login_required
def tokens(request: SignedInRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, TokenForm(user=request.user))
    form = TokenForm(request.POST, user=request.user)
    if not form.is_valid():
        return _page(request, form, status=400)
    data = form.cleaned_data
    _token, secret = token_create(
        user=request.user,
        name=data["name"],
        programs=list(data["programs"]),
        can_write=data["can_write"],
        days=data["days"],
        request=request,
    )
    # The secret is shown on this one response and never again (no redirect, not cached).
    return _page(request, TokenForm(user=request.user), secret=secret, status=201)


@require_POST
@login_required
def revoke(request: SignedInRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(PersonalToken, pk=pk, user=request.user)
    token_revoke(token=token, by=request.user, request=request)
    from django.contrib import messages

    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("apitokens:tokens")
