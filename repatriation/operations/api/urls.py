from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("operations", views.OperationViewSet, basename="operation")
router.register("manifest-entries", views.ManifestEntryViewSet, basename="manifest-entry")
urlpatterns = router.urls
