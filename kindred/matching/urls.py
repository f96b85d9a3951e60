from django.urls import include, path

from kindred.matching import match_views, views

app_name = "matching"

urlpatterns = [
    path("", views.waiting, name="waiting"),
    path("family/<int:pk>/", views.family, name="family"),
    path("family/<int:pk>/offer/", views.offer, name="offer"),
    path("family/<int:pk>/wishes/", views.wishes, name="wishes"),
    path("family/<int:pk>/looser/", views.looser, name="looser"),
    path("family/<int:pk>/block/", views.block, name="block"),
    path("offers/", views.offers, name="offers"),
    path("settings/", views.settings_page, name="settings"),
    path("match/<int:pk>/", match_views.match, name="match"),
    path("match/<int:pk>/<slug:action>/", match_views.act, name="act"),
    path("", include("kindred.matching.urls_planning")),  # batch and coverage (h10a)
]
