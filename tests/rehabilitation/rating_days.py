"""Each person's assessment days as the database keeps them, and as worked out here from the
ratings themselves: the two must always agree."""

from itertools import groupby

from django.db import connection

from rehabilitation.models import DisengagementStage, ProgressRating


def rating_days_kept() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT returnee_id, assessed_on, worst, until FROM rehabilitation_ratingday "
            "ORDER BY returnee_id, assessed_on"
        )
        return cursor.fetchall()


def rating_days_worked_out() -> list[tuple]:
    """(person, day, position of the day's most worrying stage, the person's next day)."""
    stages = list(DisengagementStage.values)
    ratings = ProgressRating.objects.order_by("returnee_id", "assessed_on").values_list(
        "returnee_id", "assessed_on", "disengagement"
    )
    days = [
        (person, day, min(stages.index(stage) for _p, _d, stage in rows))
        for (person, day), rows in groupby(ratings, key=lambda row: row[:2])
    ]
    return [
        (person, day, worst, nxt[1] if nxt is not None and nxt[0] == person else None)
        for (person, day, worst), nxt in zip(days, [*days[1:], None], strict=True)
    ]
