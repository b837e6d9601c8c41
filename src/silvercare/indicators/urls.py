from django.urls import path

from silvercare.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.home, name="home"),
    path("refresh/", views.refresh, name="refresh"),
    path("indicators.xlsx", views.export_xlsx, name="export"),
]
