from django.urls import path

from silvercare.training import views

app_name = "training"
urlpatterns = [
    path("", views.home, name="home"),
    path("courses/", views.course_list, name="courses"),
    path("courses/new/", views.course_new, name="course_new"),
    path("courses/<uuid:course_id>/", views.course_detail, name="course"),
    path("courses/<uuid:course_id>/schedule/", views.session_new, name="session_new"),
    path("sessions/<uuid:session_id>/", views.session_detail, name="session"),
    path("sessions/<uuid:session_id>/enrol/", views.enrol, name="enrol"),
    path("enrolments/<uuid:enrolment_id>/withdraw/", views.withdraw, name="withdraw"),
    path("enrolments/<uuid:enrolment_id>/<str:action>/", views.enrolment_act, name="act"),
    path("certificates/<uuid:certificate_id>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("qualifications/", views.qualification_list, name="qualifications"),
    path("qualifications/new/", views.qualification_new, name="qualification_new"),
    path("qualifications/expiring/", views.expiry, name="expiry"),
    path("qualifications/remind/", views.remind, name="remind"),
    path("mine/", views.mine, name="mine"),
    path("workforce/", views.workforce, name="workforce"),
    path("verify/", views.verify, name="verify"),
]
