from django.urls import path

from kindred.directory import views, views_curate, views_share

app_name = "directory"

urlpatterns = [
    path("", views.search, name="search"),
    path("services/<uuid:pk>/", views.service_detail, name="service"),
    path("folder.pdf", views.folder, name="folder"),
    path("public/<slug:slug>/", views.public_search, name="public"),
    path("public/<slug:slug>/services/<uuid:pk>/", views.public_service, name="public_service"),
    path("lists/", views.lists, name="lists"),
    path("lists/<int:pk>/", views.list_detail, name="list_detail"),
    path("lists/<int:pk>/remove/<uuid:service_pk>/", views.list_remove, name="list_remove"),
    path("services/<uuid:pk>/add-to-list/", views.list_add, name="list_add"),
    path("curate/", views_curate.curate, name="curate"),
    path("curate/organizations/new/", views_curate.organization_edit, name="organization_new"),
    path(
        "curate/organizations/<uuid:pk>/", views_curate.organization_edit, name="organization_edit"
    ),
    path("curate/services/new/", views_curate.service_edit, name="service_new"),
    path("curate/services/<uuid:pk>/", views_curate.service_edit, name="service_edit"),
    path("curate/services/<uuid:pk>/verify/", views_curate.service_verify, name="service_verify"),
    path("curate/services/<uuid:pk>/status/", views_curate.service_status, name="service_status"),
    path("curate/import/", views_curate.import_hsds, name="import"),
    path("export/hsds.json", views_curate.export_json, name="export_json"),
    path("export/hsds-csv.zip", views_curate.export_csv, name="export_csv"),
    path("publish/", views_curate.publish, name="publish"),
    path("share/", views_share.share_new, name="share_new"),
    path("shares/<int:pk>/", views_share.share_detail, name="share_detail"),
    path("shares/<int:pk>/folder.pdf", views_share.share_pdf, name="share_pdf"),
    path("shared/<str:token>/", views_share.shared_page, name="shared_page"),
]
