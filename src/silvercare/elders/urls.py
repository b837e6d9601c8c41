from django.urls import path

from silvercare.elders import views

app_name = "elders"
urlpatterns = [
    path("", views.elder_list, name="list"),
    path("new/", views.elder_create, name="create"),
    path("export.xlsx", views.export, name="export"),
    path("import/", views.import_upload, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<uuid:batch_id>/", views.import_batch, name="import_batch"),
    path("import/<uuid:batch_id>/commit/", views.import_commit, name="import_commit"),
    path("<uuid:elder_id>/", views.elder_detail_page, name="detail"),
    path("<uuid:elder_id>/edit/", views.elder_edit, name="edit"),
    path("<uuid:elder_id>/reveal/", views.elder_reveal, name="reveal"),
    path("<uuid:elder_id>/audit/", views.elder_audit, name="audit"),
    path("<uuid:elder_id>/contacts/", views.contact_add, name="contact_add"),
    path(
        "<uuid:elder_id>/contacts/<int:contact_id>/remove/",
        views.contact_remove,
        name="contact_remove",
    ),
    path("<uuid:elder_id>/consents/", views.consent_record, name="consent"),
]
