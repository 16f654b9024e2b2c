"""The monthly report's figures as labelled rows and SVG geometry, in the active language.
Shared by the PDF and the dashboard so both say the same thing the same way."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rehabilitation.models import Activity, DisengagementStage, Enrolment, LegalProceeding, Session
from repatriation.medical.models import Stage, Triage
from returnees.models import CaseStatus, ClosureReason, Sex

from .suppression import shown_single, suppress_together

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


class Printer:
    """How counts are printed: as they are in the ministry's report; in a partner's or a
    centre's, with small cells suppressed (reporting/suppression.py)."""

    def __init__(self, suppress_small: bool, threshold: int = 4):
        self.suppress_small, self.threshold = suppress_small, threshold

    def one(self, n: int) -> str:
        return shown_single(n, self.threshold) if self.suppress_small else str(n)

    def table(self, rows: list[tuple[str, int]]) -> tuple[list[tuple[str, str]], str]:
        """A breakdown whose counts add up to its total: (label, printed) rows and the total."""
        return self.together([rows])[0]

    def together(self, tables: list[list[tuple[str, int]]]):
        """Breakdowns of one population: they share its total."""
        if not self.suppress_small:
            return [
                ([(label, str(n)) for label, n in rows], str(sum(n for _l, n in rows)))
                for rows in tables
            ]
        results = suppress_together([[n for _l, n in rows] for rows in tables], self.threshold)
        return [
            ([(label, result.shown(i)) for i, (label, _n) in enumerate(rows)], result.total)
            for rows, result in zip(tables, results, strict=True)
        ]


def _centre_rows(p: Printer, centres: list[dict], people_total: str) -> list[dict]:
    """Residents and placements by centre, each column suppressed as one table: its total
    is, or nearly is, printed elsewhere (the people counted, the placements begun). Where
    the people total is hidden, residents are too, or they would give it back."""
    residents, _total = p.table([(c["name"], c["residents"]) for c in centres])
    placed, _total = p.table([(c["name"], c["placed"]) for c in centres])
    return [
        {
            **c,
            "residents": "—" if people_total == "—" else shown_residents,
            "placed": shown_placed,
            # The occupancy bar's width class: the rate to the nearest 5%, at most 100.
            "bar": min(100, 5 * round((c["rate"] or 0) / 5)),
        }
        for c, (_n, shown_residents), (_m, shown_placed) in zip(
            centres, residents, placed, strict=True
        )
    ]


def report_sections(figures: dict, *, suppress_small: bool = False, threshold: int = 4) -> dict:
    """Every figure of the report as printed, labelled in the active language. A section
    whose figures were not computed for this audience is left out."""
    p = Printer(suppress_small, threshold)
    people = figures["people"]
    sex_rows = [
        (_("Women"), people["women"]),
        (_("Men"), people["men"]),
        (_("Girls"), people["girls"]),
        (_("Boys"), people["boys"]),
    ]
    status_rows = _labelled(figures["statuses"], CaseStatus.choices)
    population = [sex_rows, status_rows]
    verification = figures.get("verification")
    if verification is not None:
        population.append(
            [
                (_("Pending"), verification["pending"]),
                (_("Verified"), verification["verified"]),
                (_("Rejected"), verification["rejected"]),
                (_("Inconclusive"), verification["inconclusive"]),
            ]
        )
    printed = p.together(population)
    (sexes, people_total), (statuses, _status_total) = printed[0], printed[1]
    arrivals, arrivals_month = p.table(list(figures["arrivals"]["rows"]))
    sections = {
        "suppressed": suppress_small,
        "threshold": threshold + 1,
        "small": threshold,
        "people_total": people_total,
        "arrivals_month": arrivals_month,
        "arrivals_cumulative": p.one(figures["arrivals"]["cumulative"]),
        "orphans": p.one(people["orphans"]),
        "unaccompanied": p.one(people["unaccompanied"]),
        "sexes": sexes,
        "arrivals": arrivals,
        "statuses": statuses,
        "movements": [
            (CaseStatus(a).label if a else "—", CaseStatus(b).label if b else "—", p.one(n))
            for a, b, n in figures["movements"]
        ],
        "centres": _centre_rows(p, figures["centres"], people_total),
        "placed": p.one(figures["placements"]["placed"]),
        "transfers": p.one(figures["placements"]["transfers"]),
    }
    if not suppress_small:  # age groups overlap the sex breakdown: the ministry's only
        sections["ages"] = [
            (label, str(people[key]))
            for label, key in (
                (_("Under 5"), "age_under_5"),
                (_("5 to 11"), "age_5_11"),
                (_("12 to 17"), "age_12_17"),
                (_("Adults"), "age_adults"),
            )
        ]
    if verification is not None:
        sections["verification"] = printed[2][0]
        sections["verification_decided"] = p.one(verification["decided_in_month"])
        # A median of a few decisions is nearly someone's own: not in a suppressed report.
        few = suppress_small and verification["decided_in_month"] <= threshold
        sections["verification_median"] = None if few else verification["median_days"]
    health = figures.get("health")
    if health is not None:
        (stage_rows, _t), (triage_rows, _t2) = p.together(
            [
                _labelled(health["by_stage"], Stage.choices),
                _labelled(health["by_triage"], Triage.choices),
            ]
        )
        sections.update(
            health_stage=stage_rows,
            health_triage=triage_rows,
            follow_ups_due=p.one(health["due"]),
            follow_ups_overdue=p.one(health["overdue"]),
        )
    education = figures.get("education")
    if education is not None:
        sections.update(
            levels=[
                (label, p.one(n))
                for label, n in _labelled(education["by_level"], Enrolment.Level.choices)
            ],
            # One or two pupils' rate is their own attendance: not in a suppressed report.
            attendance_rate=None
            if suppress_small and education.get("attendance_pupils", 0) <= threshold
            else education["attendance_rate"],
            activities=[
                (label, p.one(n))
                for label, n in _labelled(education["activities"], Activity.Kind.choices)
            ],
        )
    psychosocial = figures.get("psychosocial")
    if psychosocial is not None:
        stages = psychosocial["stages"]
        sessions, _total = p.table(_labelled(psychosocial["sessions"], Session.Kind.choices))
        women, women_total = p.table(
            [(label, stages[Sex.FEMALE][value]) for value, label in DisengagementStage.choices]
        )
        men, men_total = p.table(
            [(label, stages[Sex.MALE][value]) for value, label in DisengagementStage.choices]
        )
        renounced = list(DisengagementStage.values).index(DisengagementStage.RENOUNCED)
        sections.update(
            sessions=sessions,
            assessed=p.one(psychosocial["assessed"]),
            stages=[(label, w, m) for (label, w), (_l, m) in zip(women, men, strict=True)],
            women_assessed=women_total,
            men_assessed=men_total,
            women_renounced=women[renounced][1],
            men_renounced=men[renounced][1],
        )
        if not suppress_small:  # shares of small groups would give their counts away
            sections["trend"] = renounced_trend(psychosocial["trend"])
    reintegration = figures.get("reintegration")
    if reintegration is not None:
        closed, _total = p.table(_labelled(reintegration["closed"], ClosureReason.choices))
        sections.update(
            reintegrated=p.one(reintegration["reintegrated"]),
            visits=p.one(reintegration["visits"]),
            closed=closed,
        )
    if "legal" in figures:
        sections["legal"] = [
            (label, str(n))
            for label, n in _labelled(figures["legal"], LegalProceeding.Status.choices)
        ]
    return sections
