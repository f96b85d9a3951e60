from django.urls import path

from kindred.groups import public, session_views, views

app_name = "groups"

SESSION = "<int:pk>/sessions/<str:key>/"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("calendar/", views.calendar, name="calendar"),
    path("new/", views.group_new, name="new"),
    path("my-calendar/", views.my_feed, name="my_feed"),
    path("<int:pk>/", views.group_detail, name="detail"),
    path("<int:pk>/edit/", views.group_edit, name="edit"),
    path("<int:pk>/status/", views.group_status, name="status"),
    path("<int:pk>/register/", views.group_register, name="register"),
    path("<int:pk>/calendar-link/", views.group_feed, name="group_feed"),
    path("<int:pk>/calendar-link/revoke/", views.group_feed_revoke, name="group_feed_revoke"),
    path(
        "registrations/<int:pk>/cancel/", views.registration_cancel_view, name="registration_cancel"
    ),
    path(SESSION, session_views.session_detail, name="session"),
    path(SESSION + "edit/", session_views.session_edit, name="session_edit"),
    path(SESSION + "cancel/", session_views.session_cancel_view, name="session_cancel"),
    path(SESSION + "attendance/", session_views.attendance, name="attendance"),
    path("<int:pk>/sessions/<str:key>.ics", session_views.session_ics, name="session_ics"),
    # Public: no sign-in.
    path("join/<slug:slug>/", public.public_list, name="public_list"),
    path("join/<slug:slug>/<int:pk>/", public.public_detail, name="public_detail"),
    path("join/<slug:slug>/<int:pk>/thanks/", public.public_thanks, name="public_thanks"),
    path("calendar/<str:token>.ics", public.feed, name="feed"),
    path("family/<str:token>/", public.family_page, name="family_page"),
]
