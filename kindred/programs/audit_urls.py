from django.urls import path

from kindred.programs import audit_views as views

# The audit trail keeps its namespace and paths (/audit/...): it shows the audit app's events,
# and its pages need program access, which lives here.
app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("export.csv", views.event_export, name="export"),
]
