from django.urls import path

from kindred.encounters import codebook_views, mentor_views, session_note_views, views

app_name = "encounters"

urlpatterns = [
    path("", views.encounter_list, name="list"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/error/", views.mark_error, name="error"),
    path("me/", mentor_views.my_page, name="me"),
    path("mentor/<int:pk>/", mentor_views.mentor_page, name="mentor"),
    path("follow-ups/", mentor_views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/done/", mentor_views.follow_up_mark_done, name="follow_up_done"),
    path(
        "group-session/<int:pk>/note/",
        session_note_views.group_session_note,
        name="group_session_note",
    ),
    path("codebook/", codebook_views.codebook, name="codebook"),
    path("codebook/<int:pk>/", codebook_views.theme_edit, name="theme_edit"),
]
