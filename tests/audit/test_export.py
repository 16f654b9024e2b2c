"""The audit trail's CSV and XLSX exports: every matching event, streamed in keyset batches
with flat memory, refused to anyone but an auditor, and audited themselves."""

import csv
import io
import tracemalloc

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from repatriation.accounts.roles import Role
from repatriation.audit import exports
from repatriation.audit.models import AuditEvent, AuditKind
from repatriation.audit.selectors import AuditFilters, audit_event_rows


def _events(count: int, username: str = "someone") -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO audit_auditevent (occurred_at, actor_username, kind, record_type,
                                          record_id, changes, detail, ip_address)
            SELECT now() - g * interval '1 second', %s,
                   (ARRAY['read', 'update'])[1 + g %% 2], 'returnees.returnee', g::text,
                   '{"status": ["placed", "closed"]}'::jsonb,
                   CASE WHEN g %% 2 = 1 THEN '=HYPERLINK("x")' ELSE '' END, '10.0.0.1'::inet
            FROM generate_series(1, %s) AS g
            """,
            [username, count],
        )


def test_auditor_exports_every_matching_event_as_csv(client, users):
    _events(4500, username="kim")  # more than two keyset batches
    _events(10, username="other")
    client.force_login(users[Role.AUDITOR])
    response = client.get(reverse("audit:export_csv"), {"username": "kim", "kind": "update"})
    assert response.status_code == 200
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:3] == ["Event", "Time", "User"]
    assert len(rows) == 1 + 2250
    assert {row[2] for row in rows[1:]} == {"kim"}
    assert {row[3] for row in rows[1:]} == {"update"}
    ids = [int(row[0]) for row in rows[1:]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)
    # A value a spreadsheet would run as a formula is neutralised.
    assert rows[1][6] == '\'=HYPERLINK("x")'
    assert rows[1][8] == '{"status": ["placed", "closed"]}'
    exported = AuditEvent.objects.filter(kind=AuditKind.EXPORT, actor_username="auditor")
    assert exported.count() == 1 and "username=kim" in exported.get().detail


def test_auditor_exports_xlsx(client, users):
    _events(30, username="kim")
    client.force_login(users[Role.AUDITOR])
    response = client.get(reverse("audit:export_xlsx"), {"username": "kim"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Event" and len(rows) == 31
    assert {row[2] for row in rows[1:]} == {"kim"}


@pytest.mark.parametrize("role", [r for r in Role if r != Role.AUDITOR])
def test_only_auditors_export(client, users, role):
    _events(3)
    client.force_login(users[role])
    assert client.get(reverse("audit:export_csv")).status_code == 404
    assert not AuditEvent.objects.filter(kind=AuditKind.EXPORT).exists()


def test_bad_filter_is_refused_and_nothing_is_exported(client, users):
    client.force_login(users[Role.AUDITOR])
    response = client.get(reverse("audit:export_csv"), {"date_from": "31.02.2026"})
    assert response.status_code == 400
    assert "Enter a valid date" in response.content.decode()
    assert not AuditEvent.objects.filter(kind=AuditKind.EXPORT).exists()


@pytest.mark.django_db
def test_memory_stays_flat_however_many_rows(users):
    """Peak memory of a whole CSV export of 10,000 and of 100,000 events: the same order."""

    def peak(username: str) -> tuple[int, int]:
        tracemalloc.start()
        size = sum(
            len(chunk)
            for chunk in exports.csv_chunks(
                audit_event_rows(user=users[Role.AUDITOR], filters=AuditFilters(username))
            )
        )
        _current, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top, size

    _events(10_000, username="small")
    _events(100_000, username="large")
    small_peak, small_size = peak("small")
    large_peak, large_size = peak("large")
    assert large_size > 9 * small_size  # ten times the rows went out
    assert large_peak < 2 * small_peak  # in the same memory
    assert large_peak < 20 * 1024 * 1024


def test_control_characters_do_not_break_the_workbook(client, users):
    """Text from outside (a path requested through the API) can carry control characters,
    which a workbook cannot hold: they become U+FFFD and the export still works."""
    from repatriation.audit.services import audit_record

    audit_record(actor=None, kind=AuditKind.READ, detail="/api/v1/people/\x0b\x01/", username="x")
    client.force_login(users[Role.AUDITOR])
    response = client.get(reverse("audit:export_xlsx"), {"username": "x"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][6] == "/api/v1/people/\ufffd\ufffd/"


def test_an_export_stops_at_a_spreadsheets_rows(users):
    _events(25, username="capped")
    rows = list(
        audit_event_rows(
            user=users[Role.AUDITOR], filters=AuditFilters("capped"), batch=10, limit=23
        )
    )
    assert len(rows) == 23 and len({r[0] for r in rows}) == 23
