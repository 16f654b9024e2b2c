from rest_framework.routers import SimpleRouter

from .views import CentreViewSet

router = SimpleRouter()
router.register("centres", CentreViewSet, basename="centre")
urlpatterns = router.urls
