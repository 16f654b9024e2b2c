"""Writers of ratings take the assessment days' lock before their statement, not after it.

Migration 0011 took the lock in the trigger after the statement, when the statement already
held its ratings' row locks: a transaction that had written ratings held the table lock
while a second, holding row locks, waited for it; the first then reaching those rows was a
deadlock. Taken before the statement, the lock comes first for every writer, and a writer
waiting for it holds no rating's row.

The days are worked out from a snapshot taken after the lock, which is what READ COMMITTED
gives each statement; a writer at a stricter level would work them out from its older
snapshot, so it is refused with a clear error rather than leaving wrong days.
"""

from django.db import migrations

RANK = (
    "CASE r.disengagement WHEN 'adheres' THEN 0 WHEN 'ambivalent' THEN 1 "
    "WHEN 'renounced' THEN 2 END"
)

FORWARD = f"""
CREATE OR REPLACE FUNCTION rehabilitation_rating_days_refresh(people bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'ratings are written at READ COMMITTED, not %',
            current_setting('transaction_isolation');
    END IF;
    -- One writer of ratings at a time from here to its commit (already held when the
    -- statement's own trigger took it); each statement below reads what the writers
    -- before it committed.
    LOCK TABLE rehabilitation_ratingday IN SHARE ROW EXCLUSIVE MODE;
    IF people IS NULL THEN
        DELETE FROM rehabilitation_ratingday;
    ELSE
        DELETE FROM rehabilitation_ratingday
        WHERE returnee_id IN (SELECT unnest(people));
    END IF;
    INSERT INTO rehabilitation_ratingday (returnee_id, assessed_on, worst, until)
    SELECT returnee_id, assessed_on, worst,
           LEAD(assessed_on) OVER (PARTITION BY returnee_id ORDER BY assessed_on)
    FROM (
        SELECT r.returnee_id, r.assessed_on, MIN({RANK}) AS worst
        FROM rehabilitation_progressrating r
        WHERE people IS NULL OR r.returnee_id IN (SELECT unnest(people))
        GROUP BY r.returnee_id, r.assessed_on
    ) AS days;
END
$$;

CREATE FUNCTION rehabilitation_rating_days_lock() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE rehabilitation_ratingday IN SHARE ROW EXCLUSIVE MODE;
    RETURN NULL;
END
$$;

CREATE TRIGGER rating_days_lock_first
    BEFORE INSERT OR UPDATE OR DELETE ON rehabilitation_progressrating
    FOR EACH STATEMENT EXECUTE FUNCTION rehabilitation_rating_days_lock();
"""

CHECK = FORWARD[FORWARD.index("    IF current_setting") : FORWARD.index("    -- One writer")]
BACKWARD = (
    FORWARD[: FORWARD.index("CREATE FUNCTION rehabilitation_rating_days_lock")].replace(CHECK, "")
    + """
DROP TRIGGER rating_days_lock_first ON rehabilitation_progressrating;
DROP FUNCTION rehabilitation_rating_days_lock();
"""
)


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("rehabilitation", "0011_rating_days"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD), elidable=False),
    ]
