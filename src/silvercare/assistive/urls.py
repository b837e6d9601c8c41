from django.urls import path

from silvercare.assistive import views

app_name = "assistive"
urlpatterns = [
    path("", views.home, name="home"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("types/<str:code>/", views.device_type, name="device_type"),
    path("products/new/", views.product_edit, name="product_new"),
    path("products/import/", views.product_import, name="product_import"),
    path("products/<uuid:product_id>/", views.product_detail, name="product"),
    path("products/<uuid:product_id>/edit/", views.product_edit, name="product_edit"),
    path("products/<uuid:product_id>/apply/", views.product_apply, name="product_apply"),
    path("admissions/", views.admission_list, name="admissions"),
    path("admissions/<uuid:admission_id>/", views.admission_detail, name="admission"),
    path("open/", views.open_data, name="open"),
    path("open/products.json", views.open_products_json, name="open_json"),
    path("open/products.csv", views.open_products_csv, name="open_csv"),
    path(
        "elders/<uuid:elder_id>/recommendations/",
        views.recommendations,
        name="recommendations",
    ),
    path("elders/<uuid:elder_id>/fittings/new/", views.fitting_new, name="fitting_new"),
    path("fittings/<uuid:fitting_id>/", views.fitting_detail, name="fitting"),
    path("photos/<uuid:assistive_photo_id>/", views.photo, name="photo"),
]
