from django.urls import path

from silvercare.canteens import views

app_name = "canteens"
urlpatterns = [
    path("", views.home, name="home"),
]
