"""Manifest import: CSV and XLSX, cross-script matching, every error by row and column, all or
nothing, ambiguous matches confirmed."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from repatriation.accounts.roles import Role
from repatriation.operations import services
from repatriation.operations.manifest_import import ImportRefused
from tests.factories import ReturneeFactory


def _csv(text: str, name="manifest.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"))


def _xlsx(rows, name="manifest.xlsx"):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def _check(users, operation, upload):
    return services.manifest_import_check(
        actor=users[Role.CASEWORKER], operation=operation, upload=upload
    )


def test_by_case_number_and_by_name_in_another_script(users, operation, family):
    mother, son, daughter = family
    upload = _csv(
        "case_number,name,date_of_birth\n"
        f"{mother.case_number},,\n"
        ",Yusuf Ospanov,2016-03-03\n"
        ",Aisha,04.04.2019\n"
    )
    record, result = _check(users, operation, upload)
    assert result.errors == []
    assert [r.returnee_id for r in result.rows] == [mother.pk, son.pk, daughter.pk]
    entries = services.manifest_import_apply(
        actor=users[Role.CASEWORKER], manifest_import_id=record.pk, choices={}
    )
    assert {e.returnee_id for e in entries} == {p.pk for p in family}
    with pytest.raises(ValidationError, match="already been imported"):
        services.manifest_import_apply(
            actor=users[Role.CASEWORKER], manifest_import_id=record.pk, choices={}
        )


def test_xlsx_with_real_dates(users, operation, family):
    rows = [["Name", "Date of birth"]] + [[p.name_latin, p.date_of_birth] for p in family]
    _record, result = _check(users, operation, _xlsx(rows))
    assert result.errors == []
    assert {r.returnee_id for r in result.rows} == {p.pk for p in family}


def test_every_bad_row_is_reported_and_nothing_is_saved(users, operation, family):
    mother = family[0]
    verifying = ReturneeFactory(status="verifying")
    upload = _csv(
        "case_number,name,date_of_birth\n"
        f"{mother.case_number},,\n"  # fine
        f"{mother.case_number},,\n"  # duplicate row
        "KZ-1999-000001,,\n"  # unknown person
        f"{verifying.case_number},,\n"  # not cleared
        ",Nobody Knownova,1990-01-01\n"  # no match
        ",Yusuf,31.02.2016\n"
    )  # bad date
    record, result = _check(users, operation, upload)
    found = {(e["row"], e["column"]) for e in result.errors}
    assert found == {
        (3, "case_number"),
        (4, "case_number"),
        (5, "case_number"),
        (6, "name"),
        (7, "date_of_birth"),
    }
    messages = " ".join(e["message"] for e in result.errors)
    for phrase in (
        "same person as row 2",
        "No person with this case number",
        "not cleared",
        "No registered person matches",
        "is not a date",
    ):
        assert phrase in messages
    with pytest.raises(ValidationError, match="has errors"):
        services.manifest_import_apply(
            actor=users[Role.CASEWORKER], manifest_import_id=record.pk, choices={}
        )
    assert not operation.manifest.exists()


def test_wrong_columns_are_named(users, operation):
    _record, result = _check(users, operation, _csv("case,passport,case number\nx,y,z\n"))
    assert {(e["row"], e["column"]) for e in result.errors} == {(1, "passport"), (1, "case number")}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00n\x00a", "neither XLSX nor UTF-8 CSV"),
        (b"PK\x03\x04 not really a workbook", "cannot be read"),
    ],
)
def test_unreadable_files_are_refused(users, operation, content, message):
    with pytest.raises(ImportRefused, match=message):
        _check(users, operation, SimpleUploadedFile("m.csv", content))


def test_ambiguous_matches_are_confirmed(users, operation):
    twins = [
        ReturneeFactory(
            primary_name="Амина",
            name_latin="Amina",
            status="cleared",
            date_of_birth=date(2018, 1, 1),
        )
        for _ in range(2)
    ]
    record, result = _check(users, operation, _csv("name,date_of_birth\nAmina,2018-01-01\n"))
    assert result.errors == []
    assert {c["id"] for c in result.ambiguous[0].candidates} == {t.pk for t in twins}
    with pytest.raises(ValidationError, match="choose which person"):
        services.manifest_import_apply(
            actor=users[Role.CASEWORKER], manifest_import_id=record.pk, choices={}
        )
    with pytest.raises(ValidationError, match="choose which person"):
        services.manifest_import_apply(
            actor=users[Role.CASEWORKER], manifest_import_id=record.pk, choices={2: 987654}
        )
    services.manifest_import_apply(
        actor=users[Role.CASEWORKER],
        manifest_import_id=record.pk,
        choices={2: twins[1].pk},
        split_reason="",
    )
    assert list(operation.manifest.values_list("returnee_id", flat=True)) == [twins[1].pk]


def test_family_split_by_import_needs_a_reason(users, operation, family):
    record, _result = _check(users, operation, _csv(f"case_number\n{family[0].case_number}\n"))
    with pytest.raises(ValidationError, match="family would be split"):
        services.manifest_import_apply(
            actor=users[Role.CASEWORKER], manifest_import_id=record.pk, choices={}
        )
    assert not operation.manifest.exists()


def test_import_of_500_rows_is_bounded_in_queries(users, operation, django_assert_max_num_queries):
    people = [ReturneeFactory(status="cleared") for _ in range(60)]
    text = "case_number\n" + "\n".join(p.case_number for p in people) + "\n"
    with django_assert_max_num_queries(20):
        _record, result = _check(users, operation, _csv(text))
    assert result.errors == []
