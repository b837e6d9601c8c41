from django.urls import path

from silvercare.monitoring import elder_views, views

app_name = "monitoring"
urlpatterns = [
    path("devices/", views.device_list, name="devices"),
    path("devices/new/", views.device_create, name="device_create"),
    path("devices/<uuid:device_id>/", views.device_detail, name="device"),
    path("devices/<uuid:device_id>/bind/", views.device_bind, name="device_bind"),
    path("devices/<uuid:device_id>/unbind/", views.device_unbind, name="device_unbind"),
    path("devices/<uuid:device_id>/rotate/", views.device_rotate, name="device_rotate"),
    path("elders/<uuid:elder_id>/health/", elder_views.health, name="elder_health"),
    path("elders/<uuid:elder_id>/family/", elder_views.link_family, name="elder_link_family"),
    path("elders/<uuid:elder_id>/rules/", elder_views.rules, name="elder_rules"),
    path("family/", elder_views.family_home, name="family"),
    path("family/<uuid:elder_id>/", elder_views.family_elder, name="family_elder"),
]
