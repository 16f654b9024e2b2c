"""Refuse TRUNCATE of the audit table too, unless the session opts in.

Only the test suite's connections set `repatriation.allow_audit_truncate=on` (its database is
emptied between tests); no deployment sets it.
"""

from django.db import migrations

from repatriation.migration_sql import postgresql_only

FORWARD = """
CREATE OR REPLACE FUNCTION audit_event_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('repatriation.allow_audit_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: TRUNCATE refused'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_truncate();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_refuse_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [postgresql_only([FORWARD], [BACKWARD])]
