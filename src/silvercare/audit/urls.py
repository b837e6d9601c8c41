from django.urls import path

from silvercare.audit import views

app_name = "audit"
urlpatterns = [path("", views.audit_trail, name="list")]
