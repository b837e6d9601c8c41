from django.urls import path

from silvercare.industry import views

app_name = "industry"
urlpatterns = [
    path("", views.home, name="home"),
]
