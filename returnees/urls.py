from django.urls import path

from . import views

app_name = "returnees"

urlpatterns = [
    path("", views.returnee_index, name="list"),
    path("register/", views.returnee_register_view, name="register"),
    path("<int:pk>/", views.returnee_page, name="detail"),
    path("<int:pk>/edit/", views.returnee_edit, name="edit"),
    path("<int:pk>/transition/", views.returnee_transition, name="transition"),
    path("<int:pk>/names/add/", views.name_create, name="name_add"),
    path("<int:pk>/relationships/add/", views.relationship_create, name="relationship_add"),
    path("<int:pk>/relatives/add/", views.relative_create, name="relative_add"),
    path("<int:pk>/guardianship/add/", views.guardianship_create, name="guardianship_add"),
    path(
        "<int:pk>/guardianship/<int:guardianship_pk>/visit/",
        views.guardianship_visit_create,
        name="guardianship_visit_add",
    ),
    path("<int:pk>/evidence/add/", views.evidence_create, name="evidence_add"),
    path("<int:pk>/decision/", views.verification_decide, name="decide"),
    path("<int:pk>/documents/add/", views.document_create, name="document_add"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document"),
    path("<int:pk>/intake/", views.intake_create, name="intake"),
]
