from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.sessions.models import Session
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kindred.accounts import second_factor
from kindred.accounts.forms import LoginForm, ProfileForm, QueuedPasswordResetForm
from kindred.accounts.known_device import is_known_device, remember_known_device
from kindred.accounts.models import SessionRecord, User
from kindred.accounts.throttle import is_throttled
from kindred.audit.log import record


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = request.POST.get("username", "")
        if is_throttled(request, email=email, known_device=is_known_device(request, email)):
            record(action="accounts.login.throttled", request=request, actor_label=email.strip())
            response = render(
                request,
                self.template_name,
                {
                    "form": self.get_form_class()(request),
                    "throttled": True,
                    "next": self.get_redirect_url(),
                },
                status=429,
            )
            response["Retry-After"] = "900"
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        remember_known_device(response, form.get_user())
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You are signed out. Thank you for the care you give families."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset_body.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        form.user.end_sessions()
        record(action="accounts.password.reset", request=self.request, actor=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ProfileForm(request.POST or None, instance=user, prefix="profile")
    if request.method == "POST" and form.is_valid():
        form.save()
        record(action="accounts.user.changed", request=request, obj=user, fields=form.changed_data)
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    two_factor = {
        "enrolled": second_factor.is_enrolled(user),
        "required": second_factor.required(user),
        "codes_left": second_factor.recovery_codes_left(user),
        "remembered": user.remembered_devices.filter(expires_at__gt=timezone.now()).count(),
    }
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "two_factor": two_factor},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        # Every other session of this person ends; this one continues under a new key.
        keep = request.session.session_key
        others = SessionRecord.objects.filter(user=user).exclude(session_key=keep)
        Session.objects.filter(session_key__in=others.values("session_key")).delete()
        others.delete()
        update_session_auth_hash(request, user)
        SessionRecord.objects.update_or_create(
            session_key=request.session.session_key, defaults={"user": user}
        )
        record(action="accounts.password.changed", request=request, obj=user)
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})
