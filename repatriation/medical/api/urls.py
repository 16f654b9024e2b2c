from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register(
    "medical-assessments", views.MedicalAssessmentViewSet, basename="medical-assessment"
)
urlpatterns = router.urls
