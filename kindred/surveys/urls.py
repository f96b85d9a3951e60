from django.urls import path

from kindred.surveys import public, results_views, views

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
    # Public: the one-time link, no sign-in.
    path("r/<str:token>/", public.public, name="public"),
    path("r/<str:token>/decline/", public.public_decline, name="public_decline"),
    path("r/<str:token>/thanks/", public.public_thanks, name="public_thanks"),
]
