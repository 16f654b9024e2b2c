from django.urls import path

from . import views

app_name = "returnees"

urlpatterns = [
    path("", views.returnee_index, name="list"),
    path("<int:pk>/", views.returnee_page, name="detail"),
]
