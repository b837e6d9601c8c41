from django.urls import path

from silvercare.homecare import views
from silvercare.homecare.views import catalogue, community, orders, planning, settlement, visits

app_name = "homecare"
urlpatterns = [
    path("", views.home, name="home"),
    path("services/", catalogue.service_types, name="service_types"),
    path("providers/", catalogue.provider_list, name="providers"),
    path("providers/<uuid:provider_id>/", catalogue.provider_detail, name="provider"),
    path("providers/<uuid:provider_id>/plan/", planning.plan, name="plan"),
    path("providers/<uuid:provider_id>/replan/", planning.replan, name="replan"),
    path("providers/<uuid:provider_id>/settlement/", settlement.month, name="settlement"),
    path("providers/<uuid:provider_id>/settlement.xlsx", settlement.export, name="settlement_xlsx"),
    path(
        "providers/<uuid:provider_id>/settlement/<str:action>/",
        settlement.act,
        name="settlement_act",
    ),
    path("caregivers/<uuid:caregiver_id>/", catalogue.caregiver_detail, name="caregiver"),
    path("orders/", orders.order_list, name="orders"),
    path("orders/new/<uuid:elder_id>/", orders.order_new, name="order_new"),
    path("orders/<uuid:order_id>/", orders.order_detail, name="order"),
    path("orders/<uuid:order_id>/<str:action>/", orders.order_act, name="order_act"),
    path("visits/flagged/", visits.flagged, name="flagged"),
    path("visits/<uuid:visit_id>/", visits.visit_detail, name="visit"),
    path("visits/<uuid:visit_id>/end/<str:action>/", orders.visit_end, name="visit_end"),
    path("visits/<uuid:visit_id>/record/<str:action>/", visits.visit_record, name="visit_record"),
    path("visits/<uuid:visit_id>/photo/", visits.visit_photo, name="visit_photo"),
    path("today/", visits.my_day, name="my_day"),
    path("today/<uuid:visit_id>/", visits.visit_do, name="visit_do"),
    path("today/<uuid:visit_id>/<str:action>/", visits.visit_step, name="visit_step"),
    path("complaints/", visits.complaints, name="complaints"),
    path("complaints/<uuid:complaint_id>/", visits.complaint_detail, name="complaint"),
    path("care-beds/", community.care_beds, name="care_beds"),
    path("care-beds/new/<uuid:elder_id>/", community.care_bed_new, name="care_bed_new"),
    path("patrols/", community.patrol_due, name="patrol_due"),
    path("patrols/new/<uuid:elder_id>/", community.patrol_new, name="patrol_new"),
]
