from django.urls import path

from silvercare.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("devices/", views.device_list, name="devices"),
    path("devices/new/", views.device_create, name="device_create"),
    path("devices/<uuid:device_id>/", views.device_detail, name="device"),
    path("devices/<uuid:device_id>/bind/", views.device_bind, name="device_bind"),
    path("devices/<uuid:device_id>/unbind/", views.device_unbind, name="device_unbind"),
    path("devices/<uuid:device_id>/rotate/", views.device_rotate, name="device_rotate"),
]
