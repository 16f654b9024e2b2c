"""The audit trail as CSV or XLSX, streamed: rows go out as they are read, in batches, so an
export of ten million events holds a few thousand rows in memory at a time."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from reporting.exports import neutralised


def header() -> list[str]:
    return [
        _("Event"),
        _("Time"),
        _("User"),
        _("Kind"),
        _("Record type"),
        _("Record"),
        _("Detail"),
        _("Address"),
        _("Changes"),
    ]


def _cells(row: tuple) -> list[str]:
    pk, occurred_at, username, kind, record_type, record_id, detail, address, changes = row
    return [
        neutralised(cell)
        for cell in (
            pk,
            occurred_at.isoformat(),
            username,
            kind,
            record_type,
            record_id,
            detail,
            address or "",
            json.dumps(changes, ensure_ascii=False) if changes else "",
        )
    ]


def csv_chunks(rows: Iterable[tuple], every: int = 500) -> Iterator[bytes]:
    """CSV in chunks of `every` rows, a BOM first so that spreadsheets read UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow(header())
    for index, row in enumerate(rows, 1):
        writer.writerow(_cells(row))
        if index % every == 0:
            yield out.getvalue().encode()
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode()


def _xlsx_cells(row: tuple) -> list[str]:
    """Control characters (which text from outside can carry, e.g. an address requested
    through the API) cannot be written to a workbook: each becomes U+FFFD."""
    return [ILLEGAL_CHARACTERS_RE.sub("\ufffd", cell) for cell in _cells(row)]


def xlsx_file(rows: Iterable[tuple]):
    """An XLSX workbook written row by row (openpyxl's write-only mode keeps no cells in
    memory) into a temporary file, returned open at its start for a streamed response."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Audit log")[:31])
    sheet.append(header())
    for row in rows:
        sheet.append(_xlsx_cells(row))
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response that sends it
    book.save(spool)
    spool.seek(0)
    return spool
