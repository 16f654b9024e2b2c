"""The monthly report's figures as labelled rows and SVG geometry, in the active language.
Shared by the PDF and the dashboard so both say the same thing the same way."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rehabilitation.models import Activity, DisengagementStage, Enrolment, LegalProceeding, Session
from repatriation.medical.models import Stage, Triage
from returnees.models import CaseStatus, ClosureReason, Sex

TREND_W, TREND_H, PAD_L, PAD_B, PAD_T = 520, 150, 34, 22, 8
COLOURS = {Sex.FEMALE: "#D55E00", Sex.MALE: "#0072B2"}  # Okabe–Ito, colour-blind safe


def _labelled(counts: dict, choices) -> list[tuple[str, int]]:
    return [(label, counts.get(value, 0)) for value, label in choices]


def renounced_trend(trend) -> dict:
    """Share of women and of men assessed who have renounced, month by month, as polylines."""
    months = [first for first, _counts in trend]
    span_x = TREND_W - PAD_L - 8
    span_y = TREND_H - PAD_T - PAD_B

    def x(i: int) -> float:
        return round(PAD_L + (span_x * i / (len(months) - 1) if len(months) > 1 else 0), 1)

    def y(share: float) -> float:
        return round(PAD_T + span_y * (1 - share), 1)

    lines = []
    for sex, label in ((Sex.FEMALE, _("Women")), (Sex.MALE, _("Men"))):
        dots = []
        for i, (_first, counts) in enumerate(trend):
            assessed = sum(counts[sex].values())
            if assessed:
                share = counts[sex][DisengagementStage.RENOUNCED] / assessed
                dots.append((x(i), y(share), round(100 * share)))
        lines.append(
            {
                "label": label,
                "colour": COLOURS[sex],
                "points": " ".join(f"{dx},{dy}" for dx, dy, _s in dots),
                "dots": dots,
            }
        )
    return {
        "width": TREND_W,
        "height": TREND_H,
        "lines": lines,
        # Every other month, ending on the month reported.
        "x_labels": [
            (x(i), date_format(m, "M y"), "end" if i == len(months) - 1 else "middle")
            for i, m in enumerate(months)
            if (len(months) - 1 - i) % 2 == 0
        ],
        "y_labels": [(y(v / 100), v) for v in (0, 25, 50, 75, 100)],
        "plot_left": PAD_L,
        "plot_right": TREND_W - 8,
        "plot_bottom": TREND_H - PAD_B,
    }


def report_sections(figures: dict) -> dict:
    """Every table of the report, labelled in the active language."""
    people = figures["people"]
    stages = figures["psychosocial"]["stages"]
    sections = {
        "headline": [
            (_("Women"), people["women"]),
            (_("Men"), people["men"]),
            (_("Girls"), people["girls"]),
            (_("Boys"), people["boys"]),
        ],
        "ages": [
            (_("Under 5"), people["age_under_5"]),
            (_("5 to 11"), people["age_5_11"]),
            (_("12 to 17"), people["age_12_17"]),
            (_("Adults"), people["age_adults"]),
        ],
        "statuses": _labelled(figures["statuses"], CaseStatus.choices),
        "movements": [
            (CaseStatus(a).label if a else "—", CaseStatus(b).label if b else "—", n)
            for a, b, n in figures["movements"]
        ],
        "health_stage": _labelled(figures["health"]["by_stage"], Stage.choices),
        "health_triage": _labelled(figures["health"]["by_triage"], Triage.choices),
        "levels": _labelled(figures["education"]["by_level"], Enrolment.Level.choices),
        "activities": _labelled(figures["education"]["activities"], Activity.Kind.choices),
        "sessions": _labelled(figures["psychosocial"]["sessions"], Session.Kind.choices),
        "stages": [
            (
                label,
                stages[Sex.FEMALE][value],
                stages[Sex.MALE][value],
            )
            for value, label in DisengagementStage.choices
        ],
        "women_renounced": stages[Sex.FEMALE][DisengagementStage.RENOUNCED],
        "men_renounced": stages[Sex.MALE][DisengagementStage.RENOUNCED],
        "women_assessed": sum(stages[Sex.FEMALE].values()),
        "men_assessed": sum(stages[Sex.MALE].values()),
        "closed": _labelled(figures["reintegration"]["closed"], ClosureReason.choices),
        "trend": renounced_trend(figures["psychosocial"]["trend"]),
    }
    if "legal" in figures:
        sections["legal"] = _labelled(figures["legal"], LegalProceeding.Status.choices)
    return sections
