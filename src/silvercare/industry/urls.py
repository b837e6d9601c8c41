from django.urls import path

from silvercare.industry import views

app_name = "industry"
urlpatterns = [
    path("", views.home, name="home"),
    path("enterprises/", views.enterprises, name="enterprises"),
    path("enterprises/new/", views.enterprise_new, name="enterprise_new"),
    path("enterprises/<uuid:ind_enterprise_id>/", views.enterprise_detail, name="enterprise"),
    path("facilities/", views.facilities, name="facilities"),
    path("facilities/new/", views.facility_new, name="facility_new"),
    path("facilities/<uuid:ind_facility_id>/", views.facility_detail, name="facility"),
    path("reports/", views.reports, name="reports"),
    path("reports/upload/", views.upload, name="upload"),
    path(
        "reports/upload/<slug:ind_form_code>.xlsx",
        views.upload_template,
        name="upload_template",
    ),
    path("reports/approvals/", views.approvals, name="approvals"),
    path("reports/late/", views.compliance, name="compliance"),
    path(
        "reports/file/<slug:ind_form_code>/<str:ind_period>/", views.report_file, name="report_file"
    ),
    path("reports/<uuid:ind_report_id>/", views.report_detail, name="report"),
    path("reports/<uuid:ind_report_id>/submit/", views.report_submit, name="report_submit"),
    path("reports/<uuid:ind_report_id>/approve/", views.report_approve, name="report_approve"),
    path("reports/<uuid:ind_report_id>/return/", views.report_return, name="report_return"),
    path("reports/<uuid:ind_report_id>/unlock/", views.report_unlock, name="report_unlock"),
    path("projects/", views.projects, name="projects"),
    path("projects/new/", views.project_new, name="project_new"),
    path("projects/<uuid:ind_project_id>/", views.project_detail, name="project"),
    path("whitelist/", views.whitelist, name="whitelist"),
]
