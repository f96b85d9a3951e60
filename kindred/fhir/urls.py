from django.urls import path

from kindred.fhir import client_views, subscription_views, views

app_name = "fhir"

urlpatterns = [
    path("", views.base, name="base"),
    path("metadata", views.metadata, name="metadata"),
    path(".well-known/smart-configuration", views.smart_configuration, name="smart_configuration"),
    path("auth/token", views.token, name="token"),
    path("Task", views.task_search, name="task_search"),
    path("Task/<str:pk>", views.task, name="task"),
    path("Subscription", subscription_views.subscriptions, name="subscriptions"),
    path("Subscription/<str:pk>", subscription_views.subscription, name="subscription"),
    path("clients/", client_views.clients, name="clients"),
    path("clients/<int:pk>/revoke/", client_views.client_revoke, name="client_revoke"),
]
