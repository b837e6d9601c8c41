from django.urls import path

from silvercare.adaptation import views

app_name = "adaptation"
urlpatterns = [
    path("", views.home, name="home"),
]
