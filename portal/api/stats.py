"""/api/v1/stats: the public statistics (OVERSIGHT §8(a)), the same figures as the /statistics page."""
from __future__ import annotations

from flask import request

from ..statistics import services
from ..statistics.period import PeriodIn
from ..statistics.schemas import StatsOut, dump
from .routes import route


@route("/stats", summary="Public statistics", tag="figures", query=PeriodIn, response=StatsOut, errors=(422,))
def stats():
    """Public entries by open type, share type, agency, theme and region, and per league or city (盟市) with the
    downloads of their files; files and bytes by open type; downloads and API calls by month; applications by
    state; applications, complaints, corrections and reports answered on time; entries overdue for update; open
    plan items by progress; and the sharing figures' public totals. Counts and rates only, never a person.
    The figures over time (downloads, API calls, cases) count the period `from`–`to` (months) or `year`; by
    default the last twelve months."""
    return dump(services.compute(services.read_period(request.args.to_dict())))
