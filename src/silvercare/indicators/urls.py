from django.urls import path

from silvercare.indicators import views, views_map

app_name = "indicators"
urlpatterns = [
    path("", views.home, name="home"),
    path("refresh/", views.refresh, name="refresh"),
    path("indicators.xlsx", views.export_xlsx, name="export"),
    path("report.pdf", views.report_pdf, name="report_pdf"),
    path("report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("map/", views_map.map_page, name="map"),
    path("open/", views.open_page, name="open"),
    path("open/<str:open_period>.json", views.open_json, name="open_json"),
    path("open/<str:open_period>.csv", views.open_csv, name="open_csv"),
]
