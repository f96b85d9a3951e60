from django.urls import path

from kindred.planning import readiness_views, views

app_name = "planning"

urlpatterns = [
    path("", views.plan_page, name="plan"),
    path("edit/", views.plan_edit, name="plan_edit"),
    path("plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("versions/", views.versions, name="versions"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("objectives/new/", views.objective_new, name="objective_new"),
    path("objectives/<int:pk>/edit/", views.objective_edit, name="objective_edit"),
    path("objectives/<int:pk>/remove/", views.objective_remove, name="objective_remove"),
    path("readiness/", readiness_views.readiness_list, name="readiness"),
    path("readiness/start/", readiness_views.readiness_start, name="readiness_start"),
    path("readiness/compare/", readiness_views.readiness_compare, name="readiness_compare"),
    path("readiness/<int:pk>/", readiness_views.assessment_page, name="assessment"),
]
