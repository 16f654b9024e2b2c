from django.urls import path

from . import views

app_name = "rehabilitation"

urlpatterns = [
    path("people/<int:pk>/placement/", views.placement_change, name="placement"),
    path("people/<int:pk>/plan/", views.plan_page, name="plan"),
    path("my-centre/", views.my_centre, name="my_centre"),
    path("my-centre/attendance/", views.class_attendance, name="attendance"),
    path("people/<int:pk>/enrol/", views.enrolment_create, name="enrol"),
]
