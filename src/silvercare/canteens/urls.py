from django.urls import path

from silvercare.canteens import views

app_name = "canteens"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.canteen_new, name="canteen_new"),
    path("<uuid:canteen_id>/", views.canteen_detail, name="canteen"),
    path("<uuid:canteen_id>/edit/", views.canteen_edit, name="canteen_edit"),
    path("<uuid:canteen_id>/dishes/", views.dish_new, name="dish_new"),
    path("<uuid:canteen_id>/menu/", views.menu_edit, name="menu_edit"),
    path("<uuid:canteen_id>/day/", views.day_orders, name="day"),
    path("<uuid:canteen_id>/serve/", views.serve, name="serve"),
    path("<uuid:canteen_id>/settlement/", views.settlement, name="settlement"),
    path("<uuid:canteen_id>/settlement/export", views.settlement_export, name="settlement_xlsx"),
    path("order/<uuid:elder_id>/", views.order_new, name="order_new"),
    path("card/<uuid:elder_id>/", views.card_issue, name="card_issue"),
    path("orders/<uuid:meal_order_id>/", views.order_detail, name="order"),
    path("orders/<uuid:meal_order_id>/cancel/", views.order_cancel, name="order_cancel"),
]
