from django.urls import path

from kindred.referrals import conference, public, views, views_work

app_name = "referrals"

urlpatterns = [
    path("new/", views.new, name="new"),
    path("sent/", views.sent, name="sent"),
    path("sent/<int:pk>/", views.sent_detail, name="sent_detail"),
    path("sent/<int:pk>/add/", views_work.add_information, name="sent_add"),
    path("queue/", views.queue, name="queue"),
    path("settings/", views.settings_edit, name="settings"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export.csv", views.dashboard_csv, name="dashboard_csv"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/contact-attempt/", views.contact_attempt, name="contact_attempt"),
    path("<int:pk>/status/", views.transition, name="transition"),
    path("<int:pk>/step/", views.step, name="step"),
    path("<int:pk>/owner/", views_work.owner, name="owner"),
    path("<int:pk>/linked/", views_work.apply_linked, name="apply_linked"),
    path("<int:pk>/intake/", views.intake, name="intake"),
    path("<int:pk>/conference/", conference.agenda_add, name="conference_add"),
    path("conference/", conference.agenda, name="conference"),
    path("conference/<int:pk>/suggest/", conference.suggest, name="conference_suggest"),
    path("ask/<slug:slug>/", public.self_refer, name="self_refer"),
    path("ask/<slug:slug>/thanks/", public.self_thanks, name="self_thanks"),
]
