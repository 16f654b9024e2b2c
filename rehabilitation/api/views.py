"""Centres: `/api/v1/centres/`. A partner sees the centres its agreement covers."""

from rehabilitation.models import (
    Activity,
    Centre,
    Enrolment,
    LegalProceeding,
    MonthlyAttendance,
    Placement,
    ProgressRating,
    RehabilitationPlan,
    ReintegrationPlan,
    Session,
)
from repatriation import policy
from repatriation.accounts.roles import FieldGroup
from repatriation.api.base import AuditedViewSet, PersonRecordViewSet
from repatriation.policy import Action

from . import serializers as s
from .serializers import CentreSerializer


class CentreViewSet(AuditedViewSet):
    serializer_class = CentreSerializer
    queryset = Centre.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Centre.objects.none()
        return policy.centres_visible_to(self.request.user).select_related("operator")


class ActivityViewSet(AuditedViewSet):
    """Activities at the centres the caller sees (centre records; who took part is not here)."""

    serializer_class = s.ActivitySerializer
    queryset = Activity.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Activity.objects.none()
        return Activity.objects.filter(centre__in=policy.centres_visible_to(self.request.user))


class PlacementViewSet(PersonRecordViewSet):
    serializer_class = s.PlacementSerializer
    queryset = Placement.objects.none()
    field_group = FieldGroup.IDENTITY
    filterset_fields = ["centre", "kind", "returnee"]


class PlanViewSet(PersonRecordViewSet):
    serializer_class = s.PlanSerializer
    queryset = RehabilitationPlan.objects.none()
    field_group = FieldGroup.PSYCHOSOCIAL
    filterset_fields = ["returnee"]

    def base_queryset(self):
        return RehabilitationPlan.objects.prefetch_related("goals")


class EnrolmentViewSet(PersonRecordViewSet):
    serializer_class = s.EnrolmentSerializer
    queryset = Enrolment.objects.none()
    field_group = FieldGroup.EDUCATION
    filterset_fields = ["returnee", "level"]


class AttendanceViewSet(PersonRecordViewSet):
    serializer_class = s.AttendanceSerializer
    queryset = MonthlyAttendance.objects.none()
    field_group = FieldGroup.EDUCATION
    person_field = "enrolment__returnee"
    filterset_fields = ["enrolment", "month"]


class SessionViewSet(PersonRecordViewSet):
    """Sessions with a participant the caller sees; notes only where the policy allows."""

    serializer_class = s.SessionSerializer
    queryset = Session.objects.none()
    field_group = FieldGroup.PSYCHOSOCIAL
    person_field = "participants"
    filterset_fields = ["kind", "centre"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Session.objects.none()
        return policy.sessions_visible_to(self.request.user).prefetch_related("participants")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "user": self.request.user}


class AssessmentViewSet(PersonRecordViewSet):
    serializer_class = s.RatingSerializer
    queryset = ProgressRating.objects.none()
    field_group = FieldGroup.PSYCHOSOCIAL
    filterset_fields = ["returnee", "instrument"]


class LegalProceedingViewSet(PersonRecordViewSet):
    serializer_class = s.LegalProceedingSerializer
    queryset = LegalProceeding.objects.none()
    field_group = FieldGroup.LEGAL
    needs = Action.VIEW_LEGAL
    filterset_fields = ["returnee", "status"]

    def base_queryset(self):
        return LegalProceeding.objects.prefetch_related("custody_periods")


class ReintegrationViewSet(PersonRecordViewSet):
    serializer_class = s.ReintegrationSerializer
    queryset = ReintegrationPlan.objects.none()
    field_group = FieldGroup.FAMILY
    filterset_fields = ["returnee"]
