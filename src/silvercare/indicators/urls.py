from django.urls import path

from silvercare.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.home, name="home"),
    path("refresh/", views.refresh, name="refresh"),
    path("indicators.xlsx", views.export_xlsx, name="export"),
    path("open/", views.open_page, name="open"),
    path("open/<str:open_period>.json", views.open_json, name="open_json"),
    path("open/<str:open_period>.csv", views.open_csv, name="open_csv"),
]
