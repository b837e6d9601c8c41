from django.urls import path

from silvercare.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.home, name="home"),
]
