from django.urls import path

from silvercare.adaptation import views

app_name = "adaptation"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/<uuid:elder_id>/", views.case_new, name="case_new"),
    path("cases/<uuid:adaptation_case_id>/", views.case_detail, name="case"),
    path("cases/<uuid:adaptation_case_id>/checklist/", views.checklist_save, name="checklist"),
    path("cases/<uuid:adaptation_case_id>/items/", views.item_add, name="item_add"),
    path(
        "cases/<uuid:adaptation_case_id>/items/<uuid:adaptation_item_id>/remove/",
        views.item_remove,
        name="item_remove",
    ),
    path(
        "cases/<uuid:adaptation_case_id>/contractor/",
        views.contractor_choose,
        name="contractor",
    ),
    path("cases/<uuid:adaptation_case_id>/works/", views.works_add, name="works"),
    path("cases/<uuid:adaptation_case_id>/do/<str:action>/", views.transition, name="transition"),
    path("photos/<uuid:adaptation_photo_id>/", views.photo, name="photo"),
    path("contractors/", views.contractors, name="contractors"),
    path("counts/", views.counts, name="counts"),
]
