"""Report runs: requested once per month, audience and language (asking again while one
runs gives that run), rendered by a worker, published once and never rewritten."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rehabilitation.models import Centre
from repatriation.audit.models import AuditKind
from repatriation.audit.services import audit_record
from returnees.models import Returnee

from . import selectors
from .models import ReportRun
from .presentation import report_sections

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _check_request(kind: str, period: date, audience: str, language: str) -> date:
    errors = {}
    if kind not in ReportRun.Kind.values:
        errors["kind"] = _("There is no such report.")
    if audience not in ReportRun.Audience.values:
        errors["audience"] = _("Reports are made for the ministry; other audiences come later.")
    if language not in LANGUAGES:
        errors["language"] = _("Choose one of: %s.") % ", ".join(LANGUAGES)
    month = period.replace(day=1)
    if month >= timezone.localdate().replace(day=1):
        errors["month"] = _("Choose a month that has ended.")
    elif month.year < 2019:
        errors["month"] = _("The programme's records begin in 2019.")
    if errors:
        raise ValidationError(errors)
    return month


def report_request(
    *, actor, kind: str, period: date, audience: str, language: str, request=None
) -> tuple[ReportRun, bool]:
    """The run for this report: the one queued or running, or the published one, or a new
    one queued for a worker. Returns (run, whether it is new)."""
    month = _check_request(kind, period, audience, language)
    same = {"kind": kind, "period": month, "audience": audience, "language": language}
    existing = (
        ReportRun.objects.filter(**same)
        .filter(status__in=[*ReportRun.ACTIVE, ReportRun.Status.DONE])
        .order_by("-created_at")
        .first()
    )
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            run = ReportRun.objects.create(**same, requested_by=actor)
    except IntegrityError:  # another request made it a moment ago
        return ReportRun.objects.get(**same, status__in=ReportRun.ACTIVE), False
    audit_record(
        actor=actor,
        kind=AuditKind.CREATE,
        record=run,
        request=request,
        changes={"report": [None, str(run)]},
        username="" if actor else "system",  # the monthly schedule
    )
    from .tasks import report_render

    transaction.on_commit(lambda: report_render.delay(run.pk))
    return run, True


def _audience_scope(run: ReportRun):
    """The people and centres a report's audience may count."""
    return Returnee.objects.all(), Centre.objects.all()


def report_render(run_id: int) -> ReportRun:
    """Render one run's PDF. Idempotent: a published run is left alone, a run left behind by
    a killed worker starts over, and the file is saved only whole, with its SHA-256."""
    from repatriation.pdf import render_pdf

    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run_id)
        if run.status == ReportRun.Status.DONE:
            return run
        run.status, run.progress, run.error = ReportRun.Status.RUNNING, 5, ""
        run.started_at = timezone.now()
        run.save(update_fields=["status", "progress", "error", "started_at"])
    try:
        month = selectors.Month(run.period)
        people, centres = _audience_scope(run)
        figures = selectors.monthly_figures(
            month,
            people=people,
            centres=centres,
            include_legal=run.audience == ReportRun.Audience.MINISTRY,
        )
        ReportRun.objects.filter(pk=run.pk).update(progress=60)
        with translation.override(run.language):
            pdf = render_pdf(
                "reporting/pdf/monthly.html",
                {
                    "run": run,
                    "month": month,
                    "figures": figures,
                    "sections": report_sections(figures),
                    "printed": timezone.now(),
                },
            )
    except Exception as error:
        ReportRun.objects.filter(pk=run.pk).update(
            status=ReportRun.Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run_id)
        if run.status == ReportRun.Status.DONE:
            return run  # another worker finished first; its file stands
        run.sha256 = hashlib.sha256(pdf).hexdigest()
        run.pdf.save(
            f"{run.kind}-{run.period:%Y-%m}-{run.audience}-{run.language}.pdf",
            ContentFile(pdf),
            save=False,
        )
        run.status, run.progress, run.finished_at = ReportRun.Status.DONE, 100, timezone.now()
        run.save(update_fields=["sha256", "pdf", "status", "progress", "finished_at"])
    return run


def report_downloaded(*, actor, run: ReportRun, request=None) -> None:
    audit_record(
        actor=actor,
        kind=AuditKind.DOWNLOAD,
        record=run,
        request=request,
        detail=f"{run} sha256={run.sha256[:16]}",
    )


def report_sign_off(*, actor, run: ReportRun, request=None) -> ReportRun:
    """A programme manager vouches for a published report; once, and never undone."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run.pk)
        if run.status != ReportRun.Status.DONE:
            raise ValidationError(_("Only a published report can be signed off."))
        if run.signed_off_at is not None:
            return run
        run.signed_off_at, run.signed_off_by = timezone.now(), actor
        run.save(update_fields=["signed_off_at", "signed_off_by"])
        audit_record(
            actor=actor,
            kind=AuditKind.UPDATE,
            record=run,
            request=request,
            changes={"signed_off_at": [None, run.signed_off_at.isoformat()]},
        )
    return run


def reports_create_monthly(*, today: date | None = None) -> list[ReportRun]:
    """On the first of the month: last month's reports for every audience and language.
    Idempotent: a report already queued, running or published is not asked for again."""
    today = today or timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    runs = []
    for audience in ReportRun.Audience.values:
        for language in LANGUAGES:
            run, _new = report_request(
                actor=None,
                kind=ReportRun.Kind.MONTHLY_PROGRESS,
                period=last_month,
                audience=audience,
                language=language,
            )
            runs.append(run)
    return runs
