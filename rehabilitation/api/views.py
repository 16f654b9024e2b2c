"""Centres: `/api/v1/centres/`. A partner sees the centres its agreement covers."""

from django.db import transaction
from drf_spectacular.utils import OpenApiExample
from rest_framework import exceptions, status

from rehabilitation import services
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
from repatriation.api.writes import PreconditionFailed, RecordCreate, RecordWrites, etag_of
from repatriation.policy import Action
from returnees.workflow import TransitionRefused

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


class PlacementViewSet(RecordCreate, PersonRecordViewSet):
    """Placements; `POST` places or transfers a person, with their family as a rule, under
    the same rules as the case page: capacity (a manager may exceed it, with a reason) and
    family unity (a mother apart from her children only with a recorded reason)."""

    serializer_class = s.PlacementSerializer
    queryset = Placement.objects.none()
    field_group = FieldGroup.IDENTITY
    filterset_fields = ["centre", "kind", "returnee"]
    input_serializer = s.PlacementInputSerializer
    create_fields = dict.fromkeys(
        (
            "returnee",
            "family",
            "centre",
            "kind",
            "started_on",
            "reason",
            "capacity_override_reason",
            "family_split_reason",
        ),
        FieldGroup.IDENTITY,
    )

    def writable_groups(self, person):
        # Placing is a step of the case workflow: the right to change status, not a group.
        allowed = policy.can(self.request.user, Action.CHANGE_STATUS, person)
        return frozenset({FieldGroup.IDENTITY}) if allowed else frozenset()

    def _create(self, request):
        if not policy.can(request.user, Action.CHANGE_STATUS):
            raise exceptions.PermissionDenied("Your access does not let you place people.")
        return super()._create(request)

    def record_create(self, values, person):
        user = self.request.user
        ids = set(values.get("family", [])) - {person.pk}
        family = list(policy.returnees_visible_to(user).filter(pk__in=ids))
        if len(family) != len(ids):
            raise exceptions.ValidationError({"family": ["There is no such person."]})
        centre = policy.centres_visible_to(user).filter(pk=values["centre"]).first()
        if centre is None:
            raise exceptions.ValidationError({"centre": ["There is no such centre."]})
        try:
            placements = services.placement_transfer(
                actor=user,
                people=[person, *family],
                centre=centre,
                kind=values["kind"],
                started_on=values["started_on"],
                reason=values["reason"],
                capacity_override_reason=values.get("capacity_override_reason", ""),
                family_split_reason=values.get("family_split_reason", ""),
                request=self.request,
            )
        except TransitionRefused as refused:
            errors = {"returnee": [str(r) for r in refused.reasons]}
            raise exceptions.ValidationError(errors) from None
        return next(p for p in placements if p.returnee_id == person.pk)


class PlanViewSet(PersonRecordViewSet):
    serializer_class = s.PlanSerializer
    queryset = RehabilitationPlan.objects.none()
    field_group = FieldGroup.PSYCHOSOCIAL
    filterset_fields = ["returnee"]

    def base_queryset(self):
        return RehabilitationPlan.objects.prefetch_related("goals")


class EnrolmentViewSet(RecordWrites, PersonRecordViewSet):
    """Enrolments: `POST` enrols a person, `PATCH` changes the grade, ends the enrolment or
    writes the teacher's notes (education group, writable)."""

    serializer_class = s.EnrolmentSerializer
    queryset = Enrolment.objects.none()
    field_group = FieldGroup.EDUCATION
    filterset_fields = ["returnee", "level"]
    input_serializer = s.EnrolmentInputSerializer
    create_fields = dict.fromkeys(
        ("returnee", "level", "institution", "grade", "started_on"), FieldGroup.EDUCATION
    )
    update_fields = dict.fromkeys(services.ENROLMENT_FIELDS, FieldGroup.EDUCATION)
    examples = {
        "create": [
            OpenApiExample(
                "Enrolment in primary school",
                request_only=True,
                value={
                    "returnee": 1204,
                    "level": "primary",
                    "institution": "School No. 12, Aktobe",
                    "grade": "3",
                    "started_on": "2026-09-01",
                },
            )
        ],
        "partial_update": [
            OpenApiExample("Moved up a grade", request_only=True, value={"grade": "4"})
        ],
    }

    def record_create(self, values, person):
        return services.enrolment_add(
            actor=self.request.user,
            returnee=person,
            level=values["level"],
            institution=values["institution"],
            grade=values.get("grade", ""),
            started_on=values["started_on"],
            request=self.request,
        )

    update_service = staticmethod(services.enrolment_update)
    update_id_arg = "enrolment_id"


class MonthAlreadyRecorded(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = (
        "This month is already recorded for this enrolment: GET it and send its ETag in "
        "If-Match to correct it."
    )


class AttendanceViewSet(RecordCreate, PersonRecordViewSet):
    """A pupil's school days and days present per month; `POST` records one month of one
    enrolment (`201`). A month already recorded is corrected only with `If-Match` carrying
    its ETag (`200`): without it the answer is `409` and with a stale one `412`, so that a
    client does not overwrite, unseen, what a teacher or another client recorded."""

    serializer_class = s.AttendanceSerializer
    queryset = MonthlyAttendance.objects.none()
    _corrected = False  # whether this request's POST corrected a recorded month
    field_group = FieldGroup.EDUCATION
    person_field = "enrolment__returnee"
    filterset_fields = ["enrolment", "month"]
    input_serializer = s.AttendanceInputSerializer
    create_fields = dict.fromkeys(
        ("enrolment", "month", "days_expected", "days_present"), FieldGroup.EDUCATION
    )
    examples = {
        "create": [
            OpenApiExample(
                "October's attendance",
                request_only=True,
                value={
                    "enrolment": 311,
                    "month": "2026-10-01",
                    "days_expected": 21,
                    "days_present": 19,
                },
            )
        ]
    }

    def person_of(self, record):
        return record.enrolment.returnee

    def create_person(self, values):
        people = policy.returnees_visible_to(self.request.user, FieldGroup.EDUCATION)
        self._enrolment = (
            Enrolment.objects.filter(pk=values["enrolment"], returnee__in=people)
            .select_related("returnee")
            .first()
        )
        if self._enrolment is None:
            raise exceptions.ValidationError({"enrolment": ["There is no such enrolment."]})
        return self._enrolment.returnee

    def record_create(self, values, person):
        enrolment = self._enrolment
        self._corrected = False
        with transaction.atomic():
            # The enrolment is locked while its month is compared and written: of two
            # requests for one month (two first records, or two corrections with one ETag),
            # the second sees what the first wrote.
            Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
            recorded = (
                self.get_queryset().filter(enrolment=enrolment, month=values["month"]).first()
            )
            if recorded is not None:
                seen = self.request.headers.get("If-Match", "").strip()
                if not seen or seen == "*":
                    raise MonthAlreadyRecorded()
                if seen != etag_of(recorded, self.get_serializer(recorded).data):
                    raise PreconditionFailed()
                self._corrected = True
            services.attendance_record_class(
                actor=self.request.user,
                month=values["month"],
                rows=[(enrolment.pk, values["days_expected"], values["days_present"])],
                allowed={enrolment.pk},
                request=self.request,
            )
        return MonthlyAttendance.objects.get(enrolment=enrolment, month=values["month"])

    def _answer(self, record, code):
        if self._corrected:
            code = status.HTTP_200_OK  # a correction, not a new record
        return super()._answer(record, code)


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
