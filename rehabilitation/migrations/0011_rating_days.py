"""Each person's assessment days, kept by the database from their ratings (PostgreSQL only).

The monthly report counts adults by stage of disengagement at the end of each of twelve
months. Read from the ratings themselves, at a million people, that meant combining two
million ratings into days and finding each day's successor on every report: about half of
the report's work. This table holds the result: one row per person and assessment day, with
the most worrying stage any rater gave that day (`worst`, the stage's position in
`DisengagementStage`, most worrying first) and the person's next assessment day (`until`).

Triggers on the ratings keep it: every statement that inserts, updates, deletes or
truncates ratings recomputes the days of the people it touched, whatever wrote it (the
rating service, the demo's bulk loads, an administrator's SQL). Writers of ratings take the
table's lock in turn until they commit, so that two recording the same person at once
cannot each leave a result without the other's rating. Ratings are written a few at a time
by people; the lock costs nothing they would notice.

The stages' order is written out below; `tests/rehabilitation/test_rating_days.py` fails if
`DisengagementStage` changes without a migration that writes it again.
"""

from django.db import migrations

from repatriation.migration_sql import postgresql_only

RANK = (
    "CASE r.disengagement WHEN 'adheres' THEN 0 WHEN 'ambivalent' THEN 1 "
    "WHEN 'renounced' THEN 2 END"
)

CREATE = f"""
CREATE TABLE rehabilitation_ratingday (
    -- No foreign key: a day exists only while its ratings do, and they keep the person.
    -- (One would also stop the test runner's flush from truncating the people.)
    returnee_id bigint NOT NULL,
    assessed_on date NOT NULL,
    worst smallint,
    until date,
    PRIMARY KEY (returnee_id, assessed_on) INCLUDE (worst, until)
);

CREATE FUNCTION rehabilitation_rating_days_refresh(people bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    -- One writer of ratings at a time from here to its commit; each statement below reads
    -- what the writers before it committed (READ COMMITTED takes a snapshot per statement).
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

CREATE FUNCTION rehabilitation_rating_days_follow() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    people bigint[];
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE rehabilitation_ratingday;
        RETURN NULL;
    ELSIF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT returnee_id) INTO people FROM new_ratings;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT returnee_id) INTO people FROM old_ratings;
    ELSE
        SELECT array_agg(DISTINCT returnee_id) INTO people FROM (
            SELECT returnee_id FROM new_ratings UNION SELECT returnee_id FROM old_ratings
        ) AS touched;
    END IF;
    IF people IS NOT NULL THEN
        PERFORM rehabilitation_rating_days_refresh(people);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER rating_days_after_insert AFTER INSERT ON rehabilitation_progressrating
    REFERENCING NEW TABLE AS new_ratings
    FOR EACH STATEMENT EXECUTE FUNCTION rehabilitation_rating_days_follow();
CREATE TRIGGER rating_days_after_update AFTER UPDATE ON rehabilitation_progressrating
    REFERENCING OLD TABLE AS old_ratings NEW TABLE AS new_ratings
    FOR EACH STATEMENT EXECUTE FUNCTION rehabilitation_rating_days_follow();
CREATE TRIGGER rating_days_after_delete AFTER DELETE ON rehabilitation_progressrating
    REFERENCING OLD TABLE AS old_ratings
    FOR EACH STATEMENT EXECUTE FUNCTION rehabilitation_rating_days_follow();
CREATE TRIGGER rating_days_after_truncate AFTER TRUNCATE ON rehabilitation_progressrating
    FOR EACH STATEMENT EXECUTE FUNCTION rehabilitation_rating_days_follow();

SELECT rehabilitation_rating_days_refresh(NULL);
"""

DROP = """
DROP TRIGGER rating_days_after_insert ON rehabilitation_progressrating;
DROP TRIGGER rating_days_after_update ON rehabilitation_progressrating;
DROP TRIGGER rating_days_after_delete ON rehabilitation_progressrating;
DROP TRIGGER rating_days_after_truncate ON rehabilitation_progressrating;
DROP FUNCTION rehabilitation_rating_days_follow();
DROP FUNCTION rehabilitation_rating_days_refresh(bigint[]);
DROP TABLE rehabilitation_ratingday;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("rehabilitation", "0010_report_activity_month_indexes"),
    ]

    operations = [
        postgresql_only([CREATE], [DROP]),
    ]
