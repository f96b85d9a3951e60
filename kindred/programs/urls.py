from django.urls import path

from kindred.programs import views

app_name = "programs"

urlpatterns = [
    path("switch/", views.switch, name="switch"),
    path("new/", views.create, name="create"),
    path("settings/", views.settings_edit, name="settings"),
    path("members/", views.members, name="members"),
    path("members/<int:pk>/role/", views.member_role, name="member_role"),
    path("members/<int:pk>/deactivate/", views.member_deactivate, name="member_deactivate"),
    path(
        "members/<int:pk>/two-step/reset/",
        views.member_two_factor_reset,
        name="member_two_factor_reset",
    ),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
]
