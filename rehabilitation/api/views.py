"""Centres: `/api/v1/centres/`. A partner sees the centres its agreement covers."""

from rehabilitation.models import Centre
from repatriation import policy
from repatriation.api.base import AuditedViewSet

from .serializers import CentreSerializer


class CentreViewSet(AuditedViewSet):
    serializer_class = CentreSerializer
    queryset = Centre.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Centre.objects.none()
        return policy.centres_visible_to(self.request.user).select_related("operator")

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        self.touched = [row["id"] for row in response.data["results"]]
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        self.touched = [response.data["id"]]
        return response
