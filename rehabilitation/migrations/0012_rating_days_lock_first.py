"""Writers of ratings take the assessment days' lock before their statement, not after it.

Migration 0011 took the lock in the trigger after the statement, when the statement already
held its ratings' row locks: a transaction that had written ratings held the table lock
while a second, holding row locks, waited for it; the first then reaching those rows was a
deadlock. Taken before the statement, the lock comes first for every writer, and a writer
waiting for it holds no rating's row. (The refresh still asks for the lock: it already
holds it then, and a direct call, as the bench's world copy makes, takes it there.)

The days are worked out from a snapshot taken after the lock, which is what READ COMMITTED
gives each statement; a writer at a stricter level would work them out from its older
snapshot, so it is refused here, before it writes, with a clear error rather than leaving
wrong days.
"""

from django.db import migrations

from repatriation.migration_sql import postgresql_only

FORWARD = """
CREATE FUNCTION rehabilitation_rating_days_lock() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'ratings are written at READ COMMITTED, not %',
            current_setting('transaction_isolation');
    END IF;
    LOCK TABLE rehabilitation_ratingday IN SHARE ROW EXCLUSIVE MODE;
    RETURN NULL;
END
$$;

CREATE TRIGGER rating_days_lock_first
    BEFORE INSERT OR UPDATE OR DELETE ON rehabilitation_progressrating
    FOR EACH STATEMENT EXECUTE FUNCTION rehabilitation_rating_days_lock();
"""

BACKWARD = """
DROP TRIGGER rating_days_lock_first ON rehabilitation_progressrating;
DROP FUNCTION rehabilitation_rating_days_lock();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("rehabilitation", "0011_rating_days"),
    ]

    operations = [
        postgresql_only([FORWARD], [BACKWARD]),
    ]
