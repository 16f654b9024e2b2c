"""A published report's tables as rows (section, row, column, value), for CSV and XLSX:
printed exactly as in its PDF (the same suppression), stored with the run when it is made."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

# A spreadsheet takes a cell beginning with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value) -> str:
    """A cell that cannot run as a formula: a leading quote where it would. A dash alone
    (a suppressed cell) is text to every spreadsheet and stays as it is."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and text not in ("-", "—"):
        return "'" + text
    return text


def table_rows(sections: dict) -> list[list[str]]:
    """Every figure of the report, one row each."""
    rows: list[list[str]] = []

    def add(section, pairs, column):
        rows.extend([section, label, column, value] for label, value in pairs)

    people, count = _("People in the programme"), _("People")
    rows.append([people, _("people in the programme"), count, sections["people_total"]])
    rows.append([people, _("arrivals this month"), count, sections["arrivals_month"]])
    rows.append([people, _("arrivals since the start"), count, sections["arrivals_cumulative"]])
    rows.append([people, _("orphans"), count, sections["orphans"]])
    rows.append([people, _("unaccompanied children"), count, sections["unaccompanied"]])
    add(people, sections["sexes"], count)
    add(_("Age"), sections.get("ages", []), count)
    add(_("Arrivals this month by operation"), sections["arrivals"], count)
    add(_("Pipeline"), sections["statuses"], count)
    for origin, target, n in sections["movements"]:
        rows.append([_("Moves this month"), f"{origin} → {target}", count, n])
    add(_("Nationality verification"), sections.get("verification", []), count)
    add(_("Assessments by stage"), sections.get("health_stage", []), _("This month"))
    add(_("Triage"), sections.get("health_triage", []), _("This month"))
    for centre in sections["centres"]:
        for column, key in (
            (_("Capacity"), "capacity"),
            (_("Residents"), "residents"),
            (_("Placed this month"), "placed"),
        ):
            rows.append([_("Centres"), centre["name"], column, centre[key]])
    add(_("Enrolled at the month's end"), sections.get("levels", []), count)
    add(_("Took part in activities"), sections.get("activities", []), count)
    add(_("Sessions held"), sections.get("sessions", []), _("This month"))
    for label, women, men in sections.get("stages", []):
        rows.append([_("Stage of disengagement"), label, _("Women"), women])
        rows.append([_("Stage of disengagement"), label, _("Men"), men])
    add(_("Legal proceedings"), sections.get("legal", []), _("Proceedings"))
    add(_("Cases closed this month"), sections.get("closed", []), _("Cases"))
    return [[str(cell) for cell in row] for row in rows]


def header() -> list[str]:
    return [_("Section"), _("Figure"), _("Column"), _("Value")]


def as_csv(rows: list[list[str]], head: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(head)
    writer.writerows([neutralised(cell) for cell in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode()  # a BOM, so spreadsheets read UTF-8


def as_xlsx(rows: list[list[str]], head: list[str], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(head)
    for row in rows:
        sheet.append([neutralised(cell) for cell in row])
    for column, width in zip("ABCD", (34, 40, 20, 12), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
