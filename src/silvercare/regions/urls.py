from django.urls import path

from silvercare.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.region_browse, name="browse"),
    path("<str:code>/", views.region_browse, name="detail"),
]
