from django.urls import path

from silvercare.rental import views

app_name = "rental"
urlpatterns = [
    path("", views.home, name="home"),
]
