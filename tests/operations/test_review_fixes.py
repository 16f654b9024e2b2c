"""Regression tests from the operations review: whole imports, statuses, admissions, bad input."""

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from repatriation.accounts.roles import Role
from repatriation.medical import services as medical
from repatriation.medical.selectors import arrival_checklist
from repatriation.operations import services
from repatriation.operations.manifest_import import ImportRefused, read_table
from returnees.workflow import TransitionRefused, case_transition
from tests.factories import CentreFactory, ReturneeFactory


def _xlsx(rows, gap_before_last=0):
    book = Workbook()
    sheet = book.active
    for row in rows[:-1]:
        sheet.append(row)
    for _ in range(gap_before_last):
        sheet.append([])
    sheet.append(rows[-1])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("m.xlsx", out.getvalue())


def _fly(actor, operation, legs=None, boarded_on=None):
    now = timezone.now()
    for leg in operation.legs.order_by("sequence"):
        if legs is not None and leg.sequence not in legs:
            continue
        for boarding in leg.boardings.all():
            status = (boarded_on or {}).get((leg.sequence, boarding.entry.returnee_id), "boarded")
            services.boarding_record(
                actor=actor,
                boarding_id=boarding.pk,
                version=boarding.version,
                status=status,
                reason="" if status == "boarded" else "Fever",
            )
        services.departure_record(
            actor=actor, leg_id=leg.pk, departed_at=now - timedelta(hours=40 - 10 * leg.sequence)
        )
        services.arrival_record(
            actor=actor, leg_id=leg.pk, arrived_at=now - timedelta(hours=35 - 10 * leg.sequence)
        )


def test_rows_after_blank_rows_are_read_with_their_numbers(users, operation, family):
    rows = [["case_number"]] + [[p.case_number] for p in family]
    header, body = read_table(_xlsx(rows, gap_before_last=2500))
    assert header == ["case_number"]
    assert [number for number, _row in body] == [2, 3, 2504]
    _record, result = services.manifest_import_check(
        actor=users[Role.CASEWORKER], operation=operation, upload=_xlsx(rows, 2500)
    )
    assert {r.returnee_id for r in result.rows} == {p.pk for p in family}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("case_number\n" + "KZ-2026-000001," + "x" * 200_000 + "\n", "cannot be read|longer than"),
        ("case_number" + ",x" * 60 + "\nKZ-2026-000001\n", "more than 50 columns"),
    ],
)
def test_odd_csv_files_are_refused_not_crashed(content, message):
    with pytest.raises(ImportRefused, match=message):
        read_table(SimpleUploadedFile("m.csv", content.encode()))


def test_a_carriage_return_inside_a_quoted_cell_is_read():
    _header, body = read_table(
        SimpleUploadedFile("m.csv", b'case_number,name\n"KZ-2026-000001","a\rb"\n')
    )
    assert body == [(2, ["KZ-2026-000001", "a\rb"])]


def test_a_damaged_sheet_is_refused():
    book = Workbook()
    book.active.append(["case_number"])
    out = io.BytesIO()
    book.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]
            target.writestr(item, data)
    with pytest.raises(ImportRefused, match="cannot be read"):
        read_table(SimpleUploadedFile("m.xlsx", broken.getvalue()))


def test_empty_header_cells_are_ignored(users, operation, family):
    text = "case_number,,\n" + "\n".join(f"{p.case_number},," for p in family) + "\n"
    _record, result = services.manifest_import_check(
        actor=users[Role.CASEWORKER],
        operation=operation,
        upload=SimpleUploadedFile("m.csv", text.encode()),
    )
    assert result.errors == []


def test_no_additions_after_departure_and_no_boarding_when_not_cleared(users, operation, family):
    caseworker = users[Role.CASEWORKER]
    services.manifest_add(actor=caseworker, operation=operation, returnees=family)
    mother = family[0]
    with pytest.raises(TransitionRefused, match="manifest of an active operation"):
        case_transition(
            actor=caseworker,
            returnee_id=mother.pk,
            name="reopen_verification",
            version=mother.version,
            reason="New doubts",
        )
    late = ReturneeFactory(status="verifying")
    boarding = operation.legs.first().boardings.first()
    late_person = boarding.entry.returnee
    type(late_person).objects.filter(pk=late_person.pk).update(status="verifying")
    with pytest.raises(ValidationError, match="cannot board"):
        services.boarding_record(
            actor=caseworker, boarding_id=boarding.pk, version=1, status="boarded"
        )
    type(late_person).objects.filter(pk=late_person.pk).update(status="cleared")
    _fly(caseworker, operation, legs={1})
    late.status = "cleared"
    late.save()
    with pytest.raises(ValidationError, match="has departed"):
        services.manifest_add(actor=caseworker, operation=operation, returnees=[late])


def test_someone_withdrawn_at_the_transit_point_goes_back_to_cleared(users, operation, family):
    caseworker = users[Role.CASEWORKER]
    services.manifest_add(actor=caseworker, operation=operation, returnees=family)
    son = family[1]
    _fly(caseworker, operation, boarded_on={(2, son.pk): "withdrawn"})
    son.refresh_from_db()
    assert son.status == "cleared"
    assert son.events.filter(transition="stay_behind", reason="Fever").exists()
    family[0].refresh_from_db()
    assert family[0].status == "arrived"


def test_admission_respects_arrival_capacity_and_family(users, operation, family):
    caseworker = users[Role.CASEWORKER]
    services.manifest_add(actor=caseworker, operation=operation, returnees=family)
    _fly(caseworker, operation)
    mother, son, _daughter = family
    small = CentreFactory(name="Small facility", capacity=1)
    other = CentreFactory(name="Other facility", capacity=10)
    with pytest.raises(ValidationError, match="before the arrival"):
        services.admission_record(
            actor=caseworker, returnee=mother, centre=small, admitted_on=date(2000, 1, 1)
        )
    services.admission_record(
        actor=caseworker, returnee=mother, centre=small, admitted_on=date.today()
    )
    son.refresh_from_db()
    with pytest.raises(ValidationError, match="is full"):
        services.admission_record(
            actor=caseworker, returnee=son, centre=small, admitted_on=date.today()
        )
    with pytest.raises(ValidationError, match="mothers and children are admitted together"):
        services.admission_record(
            actor=caseworker, returnee=son, centre=other, admitted_on=date.today()
        )
    son.refresh_from_db()
    assert son.status == "arrived"


def test_the_red_list_follows_the_latest_triage(users, operation, family):
    caseworker, medic = users[Role.CASEWORKER], users[Role.MEDICAL_OFFICER]
    services.manifest_add(actor=caseworker, operation=operation, returnees=family)
    for day, triage in ((date(2026, 11, 1), "red"), (date(2026, 11, 5), "green")):
        medical.assessment_record(
            actor=medic,
            returnee=family[0],
            values={"stage": "arrival", "assessed_on": day, "triage": triage},
        )
    assert arrival_checklist(operation=operation, user=caseworker)["red"] == []


def test_medical_officers_do_not_see_households_or_split_reasons(client, users, operation, family):
    services.manifest_add(
        actor=users[Role.CASEWORKER],
        operation=operation,
        returnees=family[:2],
        split_reason="The daughter is in hospital",
    )
    url = reverse("operations:detail", args=[operation.pk])
    client.force_login(users[Role.MEDICAL_OFFICER])
    body = client.get(url).content.decode()
    assert "HH-OPS-1" not in body and "in hospital" not in body
    client.force_login(users[Role.CASEWORKER])
    body = client.get(url).content.decode()
    assert "HH-OPS-1" in body and "in hospital" in body


def test_programme_managers_are_not_offered_admission_they_cannot_do(
    client, users, operation, family
):
    services.manifest_add(actor=users[Role.CASEWORKER], operation=operation, returnees=family)
    _fly(users[Role.CASEWORKER], operation)
    client.force_login(users[Role.PROGRAMME_MANAGER])
    assert (
        'id="admission"'
        not in client.get(reverse("operations:detail", args=[operation.pk])).content.decode()
    )


def test_odd_choices_and_ancient_times_get_answers_not_errors(client, users, operation, family):
    client.force_login(users[Role.CASEWORKER])
    upload = SimpleUploadedFile("m.csv", b"name,date_of_birth\nNobody,2018-01-01\n")
    review = client.post(reverse("operations:import", args=[operation.pk]), {"file": upload})
    assert client.post(review["Location"], {"row-2": "²"}).status_code == 200
    assert client.post(review["Location"], {"row-2": "9" * 5000}).status_code == 200
    leg = operation.legs.first()
    response = client.post(
        reverse("operations:departure", args=[operation.pk, leg.pk]),
        {"at": "0001-01-01T01:00"},
        follow=True,
    )
    assert response.status_code == 200
    response = client.post(
        reverse("operations:handover", args=[operation.pk, leg.pk]),
        {
            "handed_over_by": "a",
            "received_by": "b",
            "occurred_at": "0001-01-01T01:00",
            "people_count": 1,
        },
    )
    assert "between the years 2000 and 2100" in response.content.decode()


def test_pdf_fetcher_finds_collected_hashed_files(settings, tmp_path):
    from repatriation.pdf import BASE_URL, StaticOnlyFetcher

    settings.STATIC_ROOT = tmp_path
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "pdf-manifest.abc123.css").write_text("body{}")
    fetched = StaticOnlyFetcher().fetch(f"{BASE_URL}static/css/pdf-manifest.abc123.css")
    assert fetched.read() == b"body{}"
    with pytest.raises(ValueError, match=r"Refused|No static file"):
        StaticOnlyFetcher().fetch(f"{BASE_URL}static/css/../../etc/passwd")
