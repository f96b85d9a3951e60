from django.urls import path

from kindred.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/live", views.healthz_live, name="healthz_live"),
    path("language/", views.set_language, name="set_language"),
    # Browsers ask for /favicon.ico on pages without a <link rel="icon"> (a PDF, an API answer).
    path("favicon.ico", views.favicon),
]
