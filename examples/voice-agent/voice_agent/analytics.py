"""Call analytics for the practice dashboard."""
from . import db


def calls_per_day(days):
    return db.fetch_all(
        "SELECT date_trunc('day', started_at) AS day, count(*) AS calls FROM calls "
        "WHERE started_at >= now() - make_interval(days => %s) GROUP BY 1 ORDER BY 1",
        (days,),
    )


def sentiment_trends(days):
    # Planned: weekly sentiment per agent from call_summaries, with a rolling average.
    raise NotImplementedError("sentiment trends are not available yet")
