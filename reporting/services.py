"""Report runs: requested once per month, audience and language (asking again while one
runs gives that run), rendered by a worker, published once and never rewritten."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rehabilitation.models import Centre
from repatriation.accounts.models import DataSharingAgreement
from repatriation.accounts.roles import FieldGroup
from repatriation.audit.models import AuditKind
from repatriation.audit.services import audit_record
from repatriation.operations.models import ManifestEntry
from returnees.models import Returnee

from . import exports, selectors
from .models import ReportRun
from .presentation import report_sections

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _check_request(
    kind: str, period: date, audience: str, language: str, agreement, centre
) -> date:
    errors = {}
    if kind not in ReportRun.Kind.values:
        errors["kind"] = _("There is no such report.")
    if audience not in ReportRun.Audience.values:
        errors["audience"] = _("Choose the ministry, a partner or a centre.")
    elif audience == ReportRun.Audience.PARTNER and agreement is None:
        errors["agreement"] = _("A partner's report is for one data-sharing agreement.")
    elif audience == ReportRun.Audience.CENTRE and centre is None:
        errors["centre"] = _("A centre's report is for one centre.")
    if audience != ReportRun.Audience.PARTNER and agreement is not None:
        errors["agreement"] = _("Only a partner's report has an agreement.")
    if audience != ReportRun.Audience.CENTRE and centre is not None:
        errors["centre"] = _("Only a centre's report has a centre.")
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


def scope_key(audience: str, agreement=None, centre=None) -> str:
    if audience == ReportRun.Audience.PARTNER:
        return f"partner:{agreement.pk}"
    if audience == ReportRun.Audience.CENTRE:
        return f"centre:{centre.pk}"
    return "ministry"


def report_request(
    *,
    actor,
    kind: str,
    period: date,
    audience: str,
    language: str,
    agreement=None,
    centre=None,
    request=None,
) -> tuple[ReportRun, bool]:
    """The run for this report: the one queued or running, or the published one, or a new
    one queued for a worker. Returns (run, whether it is new). Who may ask is the
    policy's question, asked by the caller."""
    month = _check_request(kind, period, audience, language, agreement, centre)
    same = {
        "kind": kind,
        "period": month,
        "scope_key": scope_key(audience, agreement, centre),
        "language": language,
    }
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
            run = ReportRun.objects.create(
                **same, audience=audience, agreement=agreement, centre=centre, requested_by=actor
            )
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


def _audience_scope(run: ReportRun, month: selectors.Month):
    """The people, centres and sections a report's audience may count, and whether small
    counts must be suppressed. A partner: people at its agreement's centres at the month's
    end or on its operations, and the sections of the groups it may read. A centre: its
    residents at the month's end, and no health, verification or legal figures."""
    if run.audience == ReportRun.Audience.MINISTRY:
        return Returnee.objects.all(), Centre.objects.all(), tuple(selectors.OPTIONAL_SECTIONS)
    in_programme = Returnee.objects.filter(status__in=selectors.IN_PROGRAMME)
    if run.audience == ReportRun.Audience.CENTRE:
        centres = Centre.objects.filter(pk=run.centre_id)
        people = in_programme.filter(selectors.placed_at_month_end(month, centres))
        return people, centres, ("education", "psychosocial", "reintegration")
    agreement = run.agreement
    centres = agreement.centres.all()
    on_operations = Exists(
        ManifestEntry.objects.filter(
            returnee=OuterRef("pk"), operation__in=agreement.operations.all()
        )
    )
    people = in_programme.filter(selectors.placed_at_month_end(month, centres) | on_operations)
    readable = set(agreement.read_field_groups or [])
    sections = tuple(
        name
        for name, group in (
            ("verification", FieldGroup.VERIFICATION),
            ("health", FieldGroup.MEDICAL),
            ("education", FieldGroup.EDUCATION),
            ("psychosocial", FieldGroup.PSYCHOSOCIAL),
            ("reintegration", FieldGroup.FAMILY),
        )
        if group in readable
    )
    return people, centres, sections


def audience_name(run: ReportRun) -> str:
    if run.audience == ReportRun.Audience.PARTNER:
        return f"{run.agreement.organisation.name} — {run.agreement.title}"
    if run.audience == ReportRun.Audience.CENTRE:
        return run.centre.name
    return str(run.get_audience_display())


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
        people, centres, sections = _audience_scope(run, month)
        ministry = run.audience == ReportRun.Audience.MINISTRY
        figures = selectors.monthly_figures(
            month, people=people, centres=centres, sections=sections, include_legal=ministry
        )
        ReportRun.objects.filter(pk=run.pk).update(progress=60)
        with translation.override(run.language):
            sections = report_sections(
                figures,
                suppress_small=not ministry,
                threshold=settings.REPORT_SUPPRESSION_THRESHOLD,
            )
            tables = {"header": exports.header(), "rows": exports.table_rows(sections)}
            pdf = render_pdf(
                "reporting/pdf/monthly.html",
                {
                    "run": run,
                    "month": month,
                    "figures": figures,
                    "sections": sections,
                    "audience_name": audience_name(run),
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
        run.tables = tables
        run.status, run.progress, run.finished_at = ReportRun.Status.DONE, 100, timezone.now()
        run.save(update_fields=["sha256", "pdf", "tables", "status", "progress", "finished_at"])
    return run


def report_downloaded(*, actor, run: ReportRun, request=None, form: str = "pdf") -> None:
    audit_record(
        actor=actor,
        kind=AuditKind.DOWNLOAD if form == "pdf" else AuditKind.EXPORT,
        record=run,
        request=request,
        detail=f"{run} {form} sha256={run.sha256[:16]}",
    )


def report_table_file(run: ReportRun, form: str) -> tuple[bytes, str, str]:
    """The run's tables as CSV or XLSX: (content, content type, file name)."""
    name = f"{run.kind}-{run.period:%Y-%m}-{run.scope_key.replace(':', '-')}-{run.language}"
    head, rows = run.tables.get("header", []), run.tables.get("rows", [])
    if form == "csv":
        return exports.as_csv(rows, head), "text/csv; charset=utf-8", f"{name}.csv"
    return (
        exports.as_xlsx(rows, head, f"{run.period:%Y-%m}"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"{name}.xlsx",
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
    audiences = [(ReportRun.Audience.MINISTRY, None, None)]
    audiences += [
        (ReportRun.Audience.PARTNER, agreement, None)
        for agreement in DataSharingAgreement.objects.filter(
            valid_from__lte=today, valid_until__gte=last_month
        )
    ]
    audiences += [(ReportRun.Audience.CENTRE, None, centre) for centre in Centre.objects.all()]
    runs = []
    for audience, agreement, centre in audiences:
        for language in LANGUAGES:
            run, _new = report_request(
                actor=None,
                kind=ReportRun.Kind.MONTHLY_PROGRESS,
                period=last_month,
                audience=audience,
                language=language,
                agreement=agreement,
                centre=centre,
            )
            runs.append(run)
    return runs


DASHBOARD_SECONDS = 600


def dashboard_figures(month_first: date) -> dict:
    """The ministry's figures for one month, as the report has them, kept for ten minutes:
    the dashboard is opened often and the figures read the whole registry."""
    from django.core.cache import cache

    key = f"reporting:dashboard:{month_first:%Y-%m}"
    figures = cache.get(key)
    if figures is None:
        figures = selectors.monthly_figures(
            selectors.Month(month_first),
            people=Returnee.objects.all(),
            centres=Centre.objects.all(),
            include_legal=False,
        )
        cache.set(key, figures, DASHBOARD_SECONDS)
    return figures


STALLED_AFTER = timedelta(minutes=30)


def report_runs_resume(*, now=None) -> list[int]:
    """Runs left behind (a worker killed, a broker emptied) are handed to a worker again:
    queued or running for longer than a report ever takes. Rendering is idempotent, so a
    run that was only slow is not harmed. A failed run is asked for anew instead."""
    from .tasks import report_render

    now = now or timezone.now()
    stalled = list(
        ReportRun.objects.filter(
            status__in=ReportRun.ACTIVE, created_at__lt=now - STALLED_AFTER
        ).values_list("pk", flat=True)
    )
    for pk in stalled:
        report_render.delay(pk)
    return stalled
