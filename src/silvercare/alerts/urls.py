from django.urls import path

from silvercare.alerts import ladders, views

app_name = "alerts"
urlpatterns = [
    path("", views.console, name="console"),
    path("stream/", views.stream, name="stream"),
    path("stats/", views.stats, name="stats"),
    path("history/", views.history, name="history"),
    path("ladders/", ladders.ladders, name="ladders"),
    path("<uuid:alert_id>/", views.detail, name="detail"),
    path("<uuid:alert_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<uuid:alert_id>/assign/", views.assign, name="assign"),
    path("<uuid:alert_id>/resolve/", views.resolve, name="resolve"),
    path("<uuid:alert_id>/note/", views.note, name="note"),
]
