"""Manifest import from a partner's CSV or XLSX list.

Each row names a person by case number, or by name and date of birth matched across scripts.
Every problem is reported by row and column; nothing is saved until the whole file is valid and
each ambiguous match is confirmed (all or nothing).
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _

from repatriation import policy
from returnees import names as name_keys
from returnees.models import CaseStatus, Returnee, ReturneeName

from .models import ManifestEntry, Operation

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
MAX_PHYSICAL_ROWS = 20_000  # blank rows included
MAX_COLUMNS = 50
MAX_CELL = 500
MAX_UNPACKED = 20 * 1024 * 1024
MATCH = 85  # name similarity for a match on name and date of birth
COLUMNS = {
    "case_number": {"case_number", "case number", "case no", "case", "номер дела", "іс нөмірі"},
    "name": {"name", "full name", "full_name", "имя", "фио", "аты-жөні"},
    "date_of_birth": {
        "date_of_birth",
        "date of birth",
        "dob",
        "birth date",
        "дата рождения",
        "туған күні",
    },
    "sex": {"sex", "gender", "пол", "жынысы"},
    "notes": {"notes", "note", "comment", "примечание"},
}
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")


@dataclass
class RowResult:
    row: int
    values: dict
    returnee_id: int | None = None
    candidates: list[dict] = field(default_factory=list)  # for ambiguous rows


@dataclass
class ImportCheck:
    rows: list[RowResult]
    errors: list[dict]  # {"row", "column", "message"}

    @property
    def ambiguous(self) -> list[RowResult]:
        return [r for r in self.rows if r.returnee_id is None and r.candidates]


class ImportRefused(ValueError):
    """The file itself cannot be read: wrong type, too big, no header."""


def _error(row: int, column: str, message: str) -> dict:
    return {"row": row, "column": column, "message": message}


def read_table(upload) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and numbered rows of a CSV (UTF-8) or XLSX file, as text.

    Rows keep the number a spreadsheet shows, blank rows included in the count but not
    returned. A file that cannot be read whole is refused whole: nothing is cut off silently.
    """
    if upload.size > MAX_BYTES:
        raise ImportRefused(_("The file is larger than 5 MB."))
    data = upload.read()
    rows = _xlsx_rows(data) if data[:4] == b"PK\x03\x04" else _csv_rows(data)
    numbered = [
        (number, row)
        for number, row in enumerate(rows, start=1)
        if any(cell.strip() for cell in row)
    ]
    if not numbered:
        raise ImportRefused(_("The file is empty."))
    if len(numbered) - 1 > MAX_ROWS:
        raise ImportRefused(_("The file has more than %(n)d rows.") % {"n": MAX_ROWS})
    for _number, row in numbered:
        if len(row) > MAX_COLUMNS or any(len(cell) > MAX_CELL for cell in row):
            raise ImportRefused(
                _(
                    "The file has more than %(columns)d columns or a cell longer "
                    "than %(chars)d characters."
                )
                % {"columns": MAX_COLUMNS, "chars": MAX_CELL}
            )
    (_header_number, header), body = numbered[0], numbered[1:]
    return [c.strip() for c in header], body


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(_("The file is neither XLSX nor UTF-8 CSV.")) from exc
    if "\x00" in text:
        raise ImportRefused(_("The file is neither XLSX nor UTF-8 CSV."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:  # one column, or too little text to tell: plain commas
        dialect = csv.excel
    try:
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as exc:
        raise ImportRefused(
            _("The CSV file cannot be read: %(problem)s") % {"problem": exc}
        ) from exc
    if len(rows) > MAX_PHYSICAL_ROWS:
        raise ImportRefused(_("The file has more than %(n)d rows.") % {"n": MAX_ROWS})
    return rows


def _xlsx_rows(data: bytes) -> list[list[str]]:
    """The first sheet, refused whole if its unpacked size or row count is out of bounds."""
    import zipfile

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED:
            raise ImportRefused(_("The XLSX file unpacks to more than 20 MB."))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            rows = []
            for values in sheet.iter_rows(values_only=True):
                rows.append([_cell_text(v) for v in values[: MAX_COLUMNS + 1]])
                if len(rows) > MAX_PHYSICAL_ROWS:
                    raise ImportRefused(_("The file has more than %(n)d rows.") % {"n": MAX_ROWS})
        finally:
            workbook.close()
    except ImportRefused:
        raise
    except Exception as exc:  # any damaged archive or sheet is the same answer
        raise ImportRefused(_("The XLSX file cannot be read.")) from exc
    return rows


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _parse_date(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def check(*, upload, operation, user) -> ImportCheck:
    """Parse and check the whole file; report every problem, save nothing."""
    header, raw_rows = read_table(upload)
    errors: list[dict] = []
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        if not title:
            continue  # an empty, perhaps only formatted, column
        key = next((k for k, aliases in COLUMNS.items() if title.lower() in aliases), None)
        if key is None:
            errors.append(_error(1, title or f"#{index + 1}", _("Unknown column.")))
        elif key in columns:
            errors.append(_error(1, title, _("This column appears twice.")))
        else:
            columns[key] = index
    if "case_number" not in columns and not {"name", "date_of_birth"} <= set(columns):
        errors.append(
            _error(
                1, "", _("The file needs a case_number column, or name and date_of_birth columns.")
            )
        )
    if errors:
        return ImportCheck([], errors)
    rows = []
    for number, raw in raw_rows:
        values = {key: (raw[i].strip() if i < len(raw) else "") for key, i in columns.items()}
        rows.append(RowResult(number, values))
    _match(rows, errors, operation, user)
    return ImportCheck(rows, errors)


def _match(rows: list[RowResult], errors: list[dict], operation, user) -> None:
    people = policy.returnees_visible_to(user)
    by_case = {
        p.case_number: p
        for p in people.filter(
            case_number__in=[
                r.values.get("case_number", "").upper() for r in rows if r.values.get("case_number")
            ]
        )
    }
    births: dict[int, date] = {}
    for row in rows:
        text = row.values.get("date_of_birth", "")
        if text:
            parsed = _parse_date(text)
            if parsed is None or parsed > date.today() or parsed.year < 1900:
                errors.append(
                    _error(
                        row.row,
                        "date_of_birth",
                        _("“%(value)s” is not a date (use YYYY-MM-DD or DD.MM.YYYY).")
                        % {"value": text},
                    )
                )
            else:
                births[row.row] = parsed
    # People with the dates of birth in the file, and their names, in two queries.
    candidates = {p.pk: p for p in people.filter(date_of_birth__in=set(births.values()))}
    names: dict[int, list[name_keys.Keys]] = {}
    for pk, key, skeleton, script in ReturneeName.objects.filter(
        returnee_id__in=list(candidates)
    ).values_list("returnee_id", "search_key", "skeleton", "script"):
        names.setdefault(pk, []).append(name_keys.Keys(key, skeleton, script == "arab"))
    for row in rows:
        case_number = row.values.get("case_number", "").upper()
        if case_number:
            person = by_case.get(case_number)
            if person is None:
                errors.append(_error(row.row, "case_number", _("No person with this case number.")))
                continue
            row.returnee_id = person.pk
            continue
        name, born = row.values.get("name", ""), births.get(row.row)
        if not name:
            errors.append(_error(row.row, "name", _("Name missing.")))
            continue
        if born is None:
            if not row.values.get("date_of_birth"):
                errors.append(_error(row.row, "date_of_birth", _("Date of birth missing.")))
            continue
        query = name_keys.Keys.of(name)
        scored = sorted(
            (
                (
                    max(
                        name_keys.similarity_of_keys(query, k, either_part=True)
                        for k in names.get(pk, [])
                    ),
                    pk,
                )
                for pk, p in candidates.items()
                if p.date_of_birth == born and names.get(pk)
            ),
            reverse=True,
        )
        scored = [(score, pk) for score, pk in scored if score >= MATCH]
        # Among equally good matches, a manifest can only mean someone cleared for return.
        cleared = [(s, pk) for s, pk in scored if candidates[pk].status == CaseStatus.CLEARED]
        if (
            len(scored) > 1
            and cleared
            and (len(cleared) == 1 or cleared[0][0] - cleared[1][0] >= 10)
        ):
            scored = cleared
        if not scored:
            errors.append(
                _error(
                    row.row, "name", _("No registered person matches this name and date of birth.")
                )
            )
        elif len(scored) == 1 or scored[0][0] - scored[1][0] >= 10:
            row.returnee_id = scored[0][1]
        else:
            row.candidates = [
                {
                    "id": pk,
                    "score": score,
                    "case_number": candidates[pk].case_number,
                    "name": candidates[pk].primary_name,
                }
                for score, pk in scored[:5]
            ]
    _check_people(rows, errors, operation)


def _check_people(rows, errors, operation) -> None:
    ids = [r.returnee_id for r in rows if r.returnee_id]
    people = Returnee.objects.in_bulk(ids)
    already = set(
        operation.manifest.filter(returnee_id__in=ids).values_list("returnee_id", flat=True)
    )
    elsewhere = dict(
        ManifestEntry.objects.filter(
            returnee_id__in=ids, operation__status__in=Operation.ACTIVE_STATUSES
        )
        .exclude(operation=operation)
        .values_list("returnee_id", "operation__code")
    )
    seen: dict[int, int] = {}
    for row in rows:
        pk = row.returnee_id
        if pk is None:
            continue
        column = "case_number" if row.values.get("case_number") else "name"
        if pk in seen:
            errors.append(
                _error(row.row, column, _("The same person as row %(row)d.") % {"row": seen[pk]})
            )
            continue
        seen[pk] = row.row
        person = people[pk]
        if person.status != CaseStatus.CLEARED:
            errors.append(
                _error(
                    row.row,
                    column,
                    _("%(case)s is %(status)s, not cleared.")
                    % {"case": person.case_number, "status": person.get_status_display()},
                )
            )
        if pk in already:
            errors.append(
                _error(
                    row.row,
                    column,
                    _("%(case)s is already on this manifest.") % {"case": person.case_number},
                )
            )
        if pk in elsewhere:
            errors.append(
                _error(
                    row.row,
                    column,
                    _("%(case)s is already on operation %(code)s.")
                    % {"case": person.case_number, "code": elsewhere[pk]},
                )
            )


def digest(upload) -> str:
    upload.seek(0)
    value = hashlib.sha256(upload.read()).hexdigest()
    upload.seek(0)
    return value


def serialise(result: ImportCheck) -> list[dict]:
    return [asdict(row) for row in result.rows]
