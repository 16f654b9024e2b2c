from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("people", views.PersonViewSet, basename="person")
router.register("households", views.HouseholdViewSet, basename="household")
router.register("relatives", views.RelativeViewSet, basename="relative")
router.register("guardianships", views.GuardianshipViewSet, basename="guardianship")
router.register("verifications", views.VerificationViewSet, basename="verification")
urlpatterns = router.urls
