from django.urls import path

from . import views

app_name = "rehabilitation"

urlpatterns = [
    path("people/<int:pk>/placement/", views.placement_change, name="placement"),
    path("people/<int:pk>/plan/", views.plan_page, name="plan"),
    path("my-centre/", views.my_centre, name="my_centre"),
    path("my-centre/attendance/", views.class_attendance, name="attendance"),
    path("people/<int:pk>/enrol/", views.enrolment_create, name="enrol"),
    path(
        "people/<int:pk>/enrolments/<int:enrolment_pk>/",
        views.enrolment_edit,
        name="enrolment_edit",
    ),
    path("my-centre/activities/", views.activity_list, name="activities"),
    path("my-centre/activities/<int:pk>/", views.activity_sheet, name="activity"),
    path(
        "my-centre/activities/<int:pk>/people/<int:person_pk>/",
        views.activity_participation,
        name="participation",
    ),
    path("my-centre/sessions/new/", views.session_create, name="session_new"),
    path("sessions/<int:pk>/", views.session_page, name="session"),
    path("people/<int:pk>/rate/", views.rating_create, name="rate"),
    path("people/<int:pk>/progress/", views.trajectory_page, name="trajectory"),
    path("people/<int:pk>/legal/", views.legal_page, name="legal"),
    path(
        "people/<int:pk>/legal/<int:proceeding_pk>/",
        views.legal_proceeding_edit,
        name="legal_edit",
    ),
    path(
        "people/<int:pk>/legal/<int:proceeding_pk>/custody/",
        views.custody_add,
        name="custody_add",
    ),
    path(
        "people/<int:pk>/legal/<int:proceeding_pk>/custody/<int:period_pk>/end/",
        views.custody_end,
        name="custody_end",
    ),
    path("people/<int:pk>/reintegration/", views.reintegration_page, name="reintegration"),
    path("sealed/", views.sealed_open, name="sealed_open"),
]
