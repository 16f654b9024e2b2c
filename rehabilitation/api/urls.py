from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("centres", views.CentreViewSet, basename="centre")
router.register("placements", views.PlacementViewSet, basename="placement")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("enrolments", views.EnrolmentViewSet, basename="enrolment")
router.register("attendance", views.AttendanceViewSet, basename="attendance")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("sessions", views.SessionViewSet, basename="session")
router.register("assessments", views.AssessmentViewSet, basename="assessment")
router.register("legal-proceedings", views.LegalProceedingViewSet, basename="legal-proceeding")
router.register("reintegration", views.ReintegrationViewSet, basename="reintegration")
urlpatterns = router.urls
