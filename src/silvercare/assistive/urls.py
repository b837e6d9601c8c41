from django.urls import path

from silvercare.assistive import views

app_name = "assistive"
urlpatterns = [
    path("", views.home, name="home"),
]
