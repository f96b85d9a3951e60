from django.urls import path

from kindred.evaluation import export_views, views

app_name = "evaluation"

urlpatterns = [
    path("", views.program_report, name="report"),
    path("report.pdf", views.program_report_pdf, name="report_pdf"),
    path("exports/", export_views.export_page, name="exports"),
    path("exports/encounters.csv", export_views.encounters_csv, name="encounters_csv"),
    path("exports/encounters.xlsx", export_views.encounters_xlsx, name="encounters_xlsx"),
    path("exports/matches.csv", export_views.matches_csv, name="matches_csv"),
    path("exports/matches.xlsx", export_views.matches_xlsx, name="matches_xlsx"),
    path("exports/network.csv", export_views.network_csv, name="network_csv"),
    path("exports/deidentified.csv", export_views.deidentified_csv, name="deidentified_csv"),
]
