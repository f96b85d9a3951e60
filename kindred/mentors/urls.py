from django.urls import path

from kindred.mentors import application_views, supervision_views, training_views, views

app_name = "mentors"

urlpatterns = [
    path("", views.mentor_list, name="list"),
    path("<int:pk>/", views.mentor_detail, name="detail"),
    path("<int:pk>/edit/", views.mentor_edit, name="edit"),
    path("<int:pk>/status/", views.mentor_status, name="status"),
    path("<int:pk>/screening/", views.mentor_screening, name="screening"),
    path("<int:pk>/qualifications/", views.mentor_qualification, name="qualification"),
    path("<int:pk>/invite/", views.mentor_invite_view, name="invite"),
    path("<int:pk>/certificate/<int:course_pk>/", views.certificate, name="certificate"),
    path("home/", views.home, name="home"),
    path("home/check-in/", views.checkin, name="checkin"),
    path("apply/<slug:slug>/", application_views.apply, name="apply"),
    path("apply/<slug:slug>/thanks/", application_views.apply_thanks, name="apply_thanks"),
    path("training/", training_views.training, name="training"),
    path("training/courses/<int:pk>/", training_views.course, name="course"),
    path("training/cohorts/new/", training_views.cohort_new, name="cohort_new"),
    path("training/cohorts/<int:pk>/", training_views.cohort, name="cohort"),
    path("training/sessions/<int:pk>/attendance/", training_views.attendance, name="attendance"),
    path("settings/", training_views.mentor_settings, name="settings"),
    path("settings/<str:kind>/<int:pk>/", training_views.settings_item, name="settings_item"),
    path("hours/", training_views.hours, name="hours"),
    path("supervision/", supervision_views.supervision, name="supervision"),
    path("supervision/sessions/new/", supervision_views.session_new, name="session_new"),
    path("supervision/escalations/new/", supervision_views.escalation_new, name="escalation_new"),
    path("supervision/escalations/<int:pk>/", supervision_views.escalation, name="escalation"),
    path(
        "supervision/escalations/<int:pk>/acknowledge/",
        supervision_views.escalation_acknowledge,
        name="escalation_acknowledge",
    ),
    path(
        "supervision/escalations/<int:pk>/resolve/",
        supervision_views.escalation_resolve,
        name="escalation_resolve",
    ),
    path(
        "supervision/check-ins/<int:pk>/seen/", supervision_views.checkin_seen, name="checkin_seen"
    ),
]
