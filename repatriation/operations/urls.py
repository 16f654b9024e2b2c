from django.urls import path

from . import views

app_name = "operations"

urlpatterns = [
    path("", views.operation_index, name="list"),
    path("new/", views.operation_create, name="create"),
    path("<int:pk>/", views.operation_page, name="detail"),
    path("<int:pk>/legs/add/", views.leg_create, name="leg_add"),
    path("<int:pk>/legs/<int:leg_pk>/departure/", views.departure_view, name="departure"),
    path("<int:pk>/legs/<int:leg_pk>/arrival/", views.arrival_view, name="arrival"),
    path("<int:pk>/legs/<int:leg_pk>/handover/", views.handover_create, name="handover"),
    path("<int:pk>/legs/<int:leg_pk>/manifest.pdf", views.leg_manifest_pdf, name="leg_pdf"),
    path("<int:pk>/manifest/add/", views.manifest_add_view, name="manifest_add"),
    path("<int:pk>/boarding/<int:boarding_pk>/", views.boarding_update, name="boarding"),
    path("<int:pk>/import/", views.import_upload, name="import"),
    path("<int:pk>/import/<int:import_pk>/", views.import_review, name="import_review"),
    path("<int:pk>/admit/<int:returnee_pk>/", views.admission_view, name="admit"),
]
