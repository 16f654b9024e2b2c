"""People: `/api/v1/people/` and `/api/v1/people/{id}/`, scoped and cut by the policy."""

from django.db.models import Exists, OuterRef, Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.response import Response

from repatriation import policy
from repatriation.accounts.roles import FieldGroup
from repatriation.api.base import AuditedViewSet, PersonRecordViewSet
from returnees import selectors
from returnees.models import (
    CaseStatus,
    Guardianship,
    Household,
    NationalityVerification,
    Relationship,
    RelativeAtHome,
    Returnee,
    Sex,
)

from . import serializers as s
from .serializers import PersonSerializer


class PersonFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=CaseStatus.choices)
    sex = filters.ChoiceFilter(choices=Sex.choices)
    born_after = filters.DateFilter(field_name="date_of_birth", lookup_expr="gte")
    born_before = filters.DateFilter(field_name="date_of_birth", lookup_expr="lte")

    class Meta:
        model = Returnee
        fields = ["status", "sex", "born_after", "born_before"]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "search",
                str,
                description="Case number, any name or alias in any script, or a date of birth; "
                "the best 100 matches, not paginated.",
            ),
            OpenApiParameter(
                "updated_since", str, description="ISO date-time with offset: changed since."
            ),
        ]
    )
)
class PersonViewSet(AuditedViewSet):
    serializer_class = PersonSerializer
    queryset = Returnee.objects.none()
    filterset_class = PersonFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Returnee.objects.none()
        people = policy.returnees_visible_to(self.request.user, FieldGroup.IDENTITY)
        return (
            self.updated_since(people)
            .prefetch_related(
                "names",
                Prefetch("relationships", queryset=Relationship.objects.order_by("id")),
            )
            .select_related("household")
        )

    def get_object(self):
        person = policy.returnee_get_for_user(self.request.user, self.kwargs["pk"])
        return self.get_queryset().get(pk=person.pk)

    def get_serializer(self, instance=None, *args, **kwargs):
        """Field groups come from the policy, for a whole page of people at once."""
        if getattr(self, "swagger_fake_view", False):
            return super().get_serializer(instance, *args, **kwargs)
        user = self.request.user
        people = (
            list(instance) if kwargs.get("many") else [instance] if instance is not None else []
        )
        groups = policy.field_groups_for_many(user, people)
        kwargs["context"] = {
            **self.get_serializer_context(),
            "field_groups": lambda p: groups.get(p.pk, frozenset()),
        }
        return self.get_serializer_class()(
            people if kwargs.get("many") else instance, *args, **kwargs
        )

    def list(self, request, *args, **kwargs):
        text = request.query_params.get("search", "").strip()
        if not text:
            return super().list(request, *args, **kwargs)
        people = self.filter_queryset(self.get_queryset())
        found = selectors.returnee_search(people=people, text=text[:200])
        data = self.get_serializer(found, many=True).data
        self.touched = [p.pk for p in found]
        return Response({"next": None, "previous": None, "results": data})


class HouseholdViewSet(AuditedViewSet):
    """Households with a member the caller sees with the family group; only those members."""

    serializer_class = s.HouseholdSerializer
    queryset = Household.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Household.objects.none()
        people = policy.returnees_visible_to(self.request.user, FieldGroup.FAMILY)
        return Household.objects.filter(
            Exists(people.filter(household=OuterRef("pk")))
        ).prefetch_related(
            Prefetch(
                "members", queryset=people.only("pk", "household_id"), to_attr="visible_members"
            )
        )


class RelativeViewSet(PersonRecordViewSet):
    serializer_class = s.RelativeSerializer
    queryset = RelativeAtHome.objects.none()
    field_group = FieldGroup.FAMILY
    filterset_fields = ["returnee", "is_verified"]


class GuardianshipViewSet(PersonRecordViewSet):
    serializer_class = s.GuardianshipSerializer
    queryset = Guardianship.objects.none()
    field_group = FieldGroup.FAMILY
    person_field = "child"
    filterset_fields = ["child", "guardian_kind"]


class VerificationViewSet(PersonRecordViewSet):
    serializer_class = s.VerificationSerializer
    queryset = NationalityVerification.objects.none()
    field_group = FieldGroup.VERIFICATION
    filterset_fields = ["returnee", "decision"]

    def base_queryset(self):
        return NationalityVerification.objects.prefetch_related("evidence")
