from django.urls import path

from silvercare.assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("due/", views.due_list, name="due"),
    path("book/<uuid:elder_id>/", views.book, name="book"),
    path("trigger/<uuid:elder_id>/", views.trigger, name="trigger"),
    path("<uuid:assessment_id>/", views.detail, name="detail"),
    path("<uuid:assessment_id>/step/<str:code>/", views.step, name="step"),
    path("<uuid:assessment_id>/report.pdf", views.report, name="report"),
    path("<uuid:assessment_id>/cancel/", views.cancel, name="cancel"),
    path("<uuid:assessment_id>/<str:action>/", views.act, name="act"),
]
