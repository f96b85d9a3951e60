from django.urls import path

from kindred.families import spreadsheet_views, views

app_name = "families"

urlpatterns = [
    path("", views.family_list, name="list"),
    path("new/", views.family_create_view, name="create"),
    path("lists/", views.vocabulary, name="vocabulary"),
    path("import/", spreadsheet_views.import_upload, name="import"),
    path("import/<int:pk>/", spreadsheet_views.import_review, name="import_review"),
    path("import/<int:pk>/progress/", spreadsheet_views.import_progress, name="import_progress"),
    path("import/<int:pk>/restart/", spreadsheet_views.import_restart, name="import_restart"),
    path("export/", spreadsheet_views.export, name="export"),
    path("<int:pk>/", views.family_detail, name="detail"),
    path("<int:pk>/edit/", views.family_edit, name="edit"),
    path("<int:pk>/consent/", views.family_consent, name="consent"),
    path("<int:pk>/status/", views.family_status, name="status"),
    path("<int:pk>/merge/", views.family_merge_view, name="merge"),
]
