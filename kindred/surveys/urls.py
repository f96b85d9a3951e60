from django.urls import path

from kindred.surveys import channel_views, public, results_views, views

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("starters/", views.install_starter_surveys, name="install_starters"),
    path("new/", views.survey_new, name="new"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/edit/", views.survey_edit, name="edit"),
    path("<int:pk>/items/new/", views.item_new, name="item_new"),
    path("items/<int:pk>/retire/", views.item_retire, name="item_retire"),
    path("<int:pk>/results/", results_views.results, name="results"),
    path("<int:pk>/comments/", results_views.comments, name="comments"),
    path("<int:pk>/export.csv", results_views.export, name="export"),
    path("<int:pk>/send/", channel_views.send_find, name="send_find"),
    path("<int:pk>/send/<int:family_pk>/", channel_views.send_page, name="send"),
    path("<int:pk>/send/<int:family_pk>/phone/", channel_views.phone_entry, name="phone"),
    # Public: the one-time link, or the code of a letter; no sign-in.
    path("code/", channel_views.code_entry, name="code"),
    path("r/<str:token>/", public.public, name="public"),
    path("r/<str:token>/decline/", public.public_decline, name="public_decline"),
    path("r/<str:token>/thanks/", public.public_thanks, name="public_thanks"),
]
