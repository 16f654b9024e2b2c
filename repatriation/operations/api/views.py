"""Operations and their manifests: `/api/v1/operations/` and `/api/v1/manifest-entries/`."""

from django.db.models import Prefetch

from repatriation import policy
from repatriation.accounts.roles import FieldGroup
from repatriation.api.base import AuditedViewSet, PageContextMixin, PersonRecordViewSet
from repatriation.operations.models import ManifestEntry, Operation, TransitLeg
from returnees.models import Returnee

from . import serializers as s


class OperationViewSet(AuditedViewSet):
    """Waves with their legs; who travelled is in `manifest-entries`, person by person."""

    serializer_class = s.OperationSerializer
    queryset = Operation.objects.none()
    filterset_fields = ["status", "origin_country"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Operation.objects.none()
        legs = TransitLeg.objects.select_related("origin", "destination").order_by("sequence")
        return (
            policy.operations_visible_to(self.request.user)
            .select_related("lead_organisation")
            .prefetch_related(Prefetch("legs", queryset=legs))
        )


class ManifestEntryViewSet(PageContextMixin, PersonRecordViewSet):
    """People on a wave's manifest: only those the caller sees, on operations it sees."""

    serializer_class = s.ManifestEntrySerializer
    queryset = ManifestEntry.objects.none()
    field_group = FieldGroup.IDENTITY
    filterset_fields = ["operation", "returnee"]

    def get_queryset(self):
        entries = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return entries
        return entries.filter(operation__in=policy.operations_visible_to(self.request.user))

    def page_context(self, records):
        groups = policy.field_groups_for_many(
            self.request.user, [Returnee(pk=e.returnee_id) for e in records]
        )
        return {"family": {pk for pk, g in groups.items() if FieldGroup.FAMILY in g}}
