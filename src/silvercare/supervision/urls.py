from django.urls import path

from silvercare.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.home, name="home"),
    path("warnings/", views.warnings, name="warnings"),
    path("warnings/<int:sv_warning_id>/", views.warning, name="warning"),
    path("credit/", views.credit, name="credit"),
    path("credit/events/new/", views.event_new, name="event_new"),
    path("credit/<int:sv_subject_id>/", views.subject, name="subject"),
    path("credit/models/", views.score_models, name="score_models"),
    path("blacklist/", views.blacklist, name="blacklist"),
    path("blacklist/<int:sv_listing_id>/", views.listing, name="listing"),
    path("draws/", views.draws, name="draws"),
    path("draws/new/", views.draw_new, name="draw_new"),
    path("draws/<int:sv_draw_id>/", views.draw, name="draw"),
    path("draws/<int:sv_draw_id>/publish/", views.draw_publish, name="draw_publish"),
    path("draws/<int:sv_draw_id>/draw.json", views.draw_data, name="draw_data"),
    path("inspections/mine/", views.my_inspections, name="mine"),
    path("inspections/<int:sv_inspection_id>/", views.inspection, name="inspection"),
    path("public/inspections/", views.public_results, name="public"),
    path("public/inspections/<int:sv_draw_id>/", views.public_draw, name="public_draw"),
    path(
        "public/inspections/<int:sv_draw_id>/draw.json",
        views.public_draw_data,
        name="public_draw_data",
    ),
]
