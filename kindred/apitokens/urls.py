from django.urls import path

from kindred.apitokens import views

app_name = "apitokens"

urlpatterns = [
    path("", views.tokens, name="tokens"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
]
