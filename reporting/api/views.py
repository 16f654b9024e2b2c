"""Report runs: `/api/v1/reports/` (list, request, poll) and `/api/v1/reports/{id}/pdf/`."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from rehabilitation.models import Centre
from repatriation import policy
from repatriation.accounts.models import DataSharingAgreement
from repatriation.api.base import AuditedViewSet
from repatriation.api.writes import RecordCreate, as_api_error, json_object, refuse_fields
from reporting import services
from reporting.models import ReportRun
from reporting.views import pdf_response

from . import serializers as s


class NotReady(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The report is not ready: poll the run until its status is done."


class ReportViewSet(RecordCreate, AuditedViewSet):
    """Monthly reports. `POST` asks for one (kind, month, audience, language): the answer is
    the run, new (201) or the one already queued, running or published (200); poll it until
    `status` is `done`, then download `pdf`."""

    serializer_class = s.ReportRunSerializer
    queryset = ReportRun.objects.none()
    filterset_fields = ["kind", "audience", "status", "language"]
    input_serializer = s.ReportRequestSerializer
    create_fields = dict.fromkeys(("kind", "month", "audience", "agreement", "centre", "language"))
    examples = {
        "create": [
            OpenApiExample(
                "October's report for the ministry, in Russian",
                request_only=True,
                value={
                    "kind": "monthly_progress",
                    "month": "2026-10",
                    "audience": "ministry",
                    "language": "ru",
                },
            )
        ]
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReportRun.objects.none()
        return policy.report_runs_visible_to(self.request.user)

    @extend_schema(responses={200: s.ReportRunSerializer, 201: s.ReportRunSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def _create(self, request):
        data = json_object(request)
        refuse_fields(data, self.create_fields, set(self.get_serializer_class()().fields), None)
        serializer = self.input_serializer(data=data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        agreement = centre = None
        if "agreement" in values:
            agreement = DataSharingAgreement.objects.filter(pk=values["agreement"]).first()
        if "centre" in values:
            centre = Centre.objects.filter(pk=values["centre"]).first()
        officials = policy.can(request.user, policy.Action.VIEW_AGGREGATES)
        # Only the ministry's officials learn whether an agreement or a centre exists.
        if not officials and (
            ("agreement" in values and agreement is None)
            or ("centre" in values and centre is None)
            or not policy.may_request_report(request.user, values["audience"], agreement, centre)
        ):
            raise exceptions.PermissionDenied("Your access does not let you request this report.")
        if "agreement" in values and agreement is None:
            raise exceptions.ValidationError({"agreement": ["There is no such agreement."]})
        if "centre" in values and centre is None:
            raise exceptions.ValidationError({"centre": ["There is no such centre."]})
        try:
            run, new = services.report_request(
                actor=request.user,
                kind=values["kind"],
                period=values["month"],
                audience=values["audience"],
                language=values["language"],
                agreement=agreement,
                centre=centre,
                request=request,
            )
        except DjangoValidationError as error:
            raise as_api_error(error) from None
        self.touched = [run.pk]
        body = self.get_serializer(run).data
        headers = {"Location": request.build_absolute_uri(f"{run.pk}/")}
        return Response(body, status=201 if new else 200, headers=headers)

    @extend_schema(responses={200: s.ReportTablesSerializer})
    @action(detail=True, methods=["get"])
    def tables(self, request, pk=None):
        """The published report's figures as printed in its PDF (the same suppression):
        a header and rows of section, figure, column and value."""
        run = self.get_object()
        if run.status != ReportRun.Status.DONE or not run.tables:
            raise NotReady()
        self.touched = [run.pk]
        return Response(run.tables)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, "The report."),
        }
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        """The published PDF; each download is an audit event."""
        run = self.get_object()
        if run.status != ReportRun.Status.DONE or not run.pdf:
            raise NotReady()
        self.touched = [run.pk]
        return pdf_response(request, run)
