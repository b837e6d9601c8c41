from django.urls import path

from silvercare.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("mode/", views.mode, name="mode"),
    path("elders/<uuid:elder_id>/", views.elder, name="elder"),
    path("elders/<uuid:elder_id>/help/", views.help_page, name="help"),
    path("elders/<uuid:elder_id>/data/", views.my_data, name="data"),
    path("elders/<uuid:elder_id>/data.json", views.data_json, name="data_json"),
    path("elders/<uuid:elder_id>/data.pdf", views.data_pdf, name="data_pdf"),
    path("elders/<uuid:elder_id>/consents/", views.consent, name="consent"),
    path("elders/<uuid:elder_id>/family/<int:contact_id>/", views.family, name="family"),
    path("elders/<uuid:elder_id>/meals/", views.meals, name="meals"),
    path("elders/<uuid:elder_id>/care/", views.book, name="book"),
    path("elders/<uuid:elder_id>/leases/<uuid:lease_id>/fault/", views.fault, name="fault"),
    path(
        "elders/<uuid:elder_id>/visits/<uuid:visit_id>/rate/", views.visit_rate, name="visit_rate"
    ),
]
