from django.urls import path

from . import views

app_name = "medical"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("people/<int:pk>/add/", views.assessment_create, name="add"),
    path("people/<int:pk>/<int:assessment_pk>/", views.assessment_page, name="detail"),
]
