from django.urls import path

from silvercare.homecare import views

app_name = "homecare"
urlpatterns = [
    path("", views.home, name="home"),
]
