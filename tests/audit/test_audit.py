"""The audit trail: append-only (database and ORM), complete, filterable at scale."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from repatriation.accounts.models import Organisation
from repatriation.accounts.roles import Role
from repatriation.audit.models import AppendOnlyError, AuditEvent, AuditKind
from repatriation.audit.services import audit_changes, audit_record


@pytest.fixture
def event(db):
    return audit_record(actor=None, kind=AuditKind.LOGIN_FAILED, username="someone")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET actor_username = 'forged' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_database_refuses_update_and_delete(statement):
    event = audit_record(actor=None, kind=AuditKind.LOGIN_FAILED, username="someone")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [event.pk])
    event_after = AuditEvent.objects.get(pk=event.pk)
    assert event_after.actor_username == "someone"


def test_orm_refuses_changes(event):
    event.detail = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_failed_audit_write_fails_the_change(users, monkeypatch):
    """The change and its audit event share one transaction: no event, no change."""
    from repatriation.accounts.models import User
    from repatriation.accounts.services import user_create

    def refuse(**kwargs):
        raise DatabaseError("audit store unavailable")

    monkeypatch.setattr(AuditEvent.objects, "create", refuse)
    with pytest.raises(DatabaseError):
        user_create(
            actor=users[Role.ADMINISTRATOR],
            username="ghost",
            password="x-long-passphrase-1",
            organisation=users[Role.ADMINISTRATOR].organisation,
            roles=[Role.CASEWORKER],
        )
    assert not User.objects.filter(username="ghost").exists()


def test_changes_mask_secrets():
    changes = audit_changes(
        before={"name": "a", "password": "old", "token": "t1"},
        after={"name": "b", "password": "new", "token": "t2"},
    )
    assert changes == {"name": ["a", "b"], "password": ["***", "***"], "token": ["***", "***"]}


def test_admin_change_is_audited_with_old_and_new_values(client, users):
    admin = users[Role.ADMINISTRATOR]
    client.force_login(admin)
    org = Organisation.objects.create(name="Old name", kind=Organisation.Kind.NGO)
    response = client.post(
        reverse("admin:accounts_organisation_change", args=[org.pk]),
        {"name": "New name", "kind": "ngo", "country": "KZ"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(record_type="accounts.organisation", record_id=str(org.pk))
    assert event.kind == AuditKind.UPDATE
    assert event.actor == admin
    assert event.changes == {"name": ["Old name", "New name"]}


def test_admin_user_creation_never_logs_the_password(client, users):
    client.force_login(users[Role.ADMINISTRATOR])
    org = Organisation.objects.create(name="NGO", kind=Organisation.Kind.NGO)
    secret = "a-secret-passphrase-77"
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newcomer",
            "organisation": org.pk,
            "password1": secret,
            "password2": secret,
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(kind=AuditKind.CREATE, record_type="accounts.user")
    assert secret not in str(event.changes)
    assert event.changes["username"] == [None, "newcomer"]


def test_admin_cannot_delete_users(client, users):
    client.force_login(users[Role.ADMINISTRATOR])
    victim = users[Role.CASEWORKER]
    response = client.post(reverse("admin:accounts_user_delete", args=[victim.pk]), {"post": "yes"})
    assert response.status_code == 403
    victim.refresh_from_db()


def test_person_page_read_is_audited(client, world):
    caseworker = world["users"][Role.CASEWORKER]
    client.force_login(caseworker)
    person = world["person_a"]
    client.get(reverse("returnees:detail", args=[person.pk]))
    event = AuditEvent.objects.get(kind=AuditKind.READ)
    assert (event.actor, event.record_type, event.record_id) == (
        caseworker,
        "returnees.returnee",
        str(person.pk),
    )


def _bulk_events(n, **fields):
    now = timezone.now()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            kind=AuditKind.READ,
            actor_username=f"user{i % 3}",
            record_type="returnees.returnee",
            record_id=str(i % 7),
            occurred_at=now - timedelta(minutes=i),
            **fields,
        )
        for i in range(n)
    )


def test_auditor_filters_and_pages(client, users):
    client.force_login(users[Role.AUDITOR])
    _bulk_events(130)
    url = reverse("audit:event_list")
    first = client.get(url, {"username": "user1"})
    events = first.context["page"].events
    assert len(events) == 43
    assert all(e.actor_username == "user1" for e in events)
    assert first.context["page"].next_before is None
    page1 = client.get(url)
    assert len(page1.context["page"].events) == 50
    before = page1.context["page"].next_before
    page2 = client.get(url, {"before": before})
    ids1 = {e.pk for e in page1.context["page"].events}
    ids2 = {e.pk for e in page2.context["page"].events}
    assert not ids1 & ids2
    assert max(ids2) < min(ids1)
    record = client.get(url, {"record_type": "returnees.returnee", "record_id": "3"})
    assert {e.record_id for e in record.context["page"].events} == {"3"}
    today = timezone.localdate()
    dated = client.get(
        url, {"date_from": today.isoformat(), "date_to": today.isoformat(), "kind": "read"}
    )
    assert dated.status_code == 200
    assert dated.context["page"].events


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "2026-13-45"},
        {"kind": "nonsense"},
        {"before": "-4"},
        {"before": "abc"},
        {"date_from": "2026-05-02", "date_to": "2026-05-01"},
    ],
)
def test_auditor_bad_filters_get_a_clear_error(client, users, query):
    client.force_login(users[Role.AUDITOR])
    response = client.get(reverse("audit:event_list"), query)
    assert response.status_code == 200
    assert response.context["page"] is None
    assert response.context["form"].errors


def test_auditor_page_query_count_is_constant(client, users, django_assert_max_num_queries):
    client.force_login(users[Role.AUDITOR])
    _bulk_events(10)
    client.get(reverse("audit:event_list"))
    with django_assert_max_num_queries(8) as small:
        client.get(reverse("audit:event_list"))
    _bulk_events(500)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("audit:event_list"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_database_refuses_truncate_outside_the_test_suite():
    import psycopg2

    audit_record(actor=None, kind=AuditKind.LOGIN_FAILED, username="someone")
    db = connection.settings_dict
    # A plain connection, without the test suite's opt-in setting.
    raw = psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"],
        host=db["HOST"],
        port=db["PORT"] or 5432,
        password=db["PASSWORD"] or None,
    )
    try:
        with raw.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")
            with pytest.raises(psycopg2.Error, match="TRUNCATE refused"):
                cursor.execute("TRUNCATE audit_auditevent")
        raw.rollback()
    finally:
        raw.close()
    assert AuditEvent.objects.filter(actor_username="someone").exists()


def test_saving_over_an_existing_event_is_refused(event):
    forged = AuditEvent(pk=event.pk, kind=AuditKind.LOGIN, actor_username="forged")
    with pytest.raises(AppendOnlyError):
        forged.save()
    assert AuditEvent.objects.get(pk=event.pk).actor_username == "someone"


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_auditor_dates_out_of_range_are_refused(client, users, day):
    client.force_login(users[Role.AUDITOR])
    response = client.get(reverse("audit:event_list"), {"date_from": day})
    assert response.status_code == 200
    assert "between 1900 and 2100" in response.content.decode()


def test_auditor_date_inputs_are_iso_in_russian(client, users):
    client.force_login(users[Role.AUDITOR])
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    body = client.get(reverse("audit:event_list"), {"date_from": "2026-05-01"}).content.decode()
    assert 'type="date" name="date_from" value="2026-05-01"' in body
