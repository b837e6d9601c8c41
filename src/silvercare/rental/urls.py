from django.urls import path

from silvercare.rental import views

app_name = "rental"
urlpatterns = [
    path("", views.home, name="home"),
    path("units/", views.units, name="units"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit"),
    path("units/<int:unit_id>/clean/", views.unit_clean, name="unit_clean"),
    path("units/<int:unit_id>/repair/", views.unit_repair, name="unit_repair"),
    path("units/<int:unit_id>/repair/close/", views.unit_repair_close, name="unit_repair_close"),
    path("units/<int:unit_id>/move/", views.unit_move, name="unit_move"),
    path("units/<int:unit_id>/incident/", views.unit_incident, name="unit_incident"),
    path("incidents/", views.incidents, name="incidents"),
    path("leases/", views.leases, name="leases"),
    path("leases/new/", views.lease_new, name="lease_new"),
    path("leases/<uuid:lease_id>/", views.lease_detail, name="lease"),
    path("leases/<uuid:lease_id>/return/", views.lease_return, name="lease_return"),
    path("leases/<uuid:lease_id>/extend/", views.lease_extend, name="lease_extend"),
    path("leases/<uuid:lease_id>/buy-out/", views.lease_buy_out, name="lease_buy_out"),
    path("waitlist/", views.waitlist, name="waitlist"),
    path("waitlist/allocate/", views.waitlist_allocate, name="waitlist_allocate"),
    path("recalls/", views.recalls, name="recalls"),
    path("recalls/new/", views.recall_new, name="recall_new"),
    path("recalls/<int:recall_id>/", views.recall_detail, name="recall"),
    path("recalls/<int:recall_id>/notify/", views.recall_notify, name="recall_notify"),
    path("recall-orders/<int:recall_order_id>/close/", views.order_close, name="order_close"),
]
