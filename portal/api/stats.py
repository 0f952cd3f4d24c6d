"""/api/v1/stats: the public statistics (OVERSIGHT §8(a)), the same figures as the /statistics page."""
from __future__ import annotations

from ..statistics import services
from ..statistics.schemas import StatsOut, dump
from .routes import route


@route("/stats", summary="Public statistics", tag="figures", response=StatsOut)
def stats():
    """Public entries by open type, share type, agency, theme and region; files and bytes by open type;
    downloads and API calls by month; applications by state; applications, complaints, corrections and
    reports answered on time; entries overdue for update; open plan items by progress; and the sharing
    figures' public totals. Counts and rates only, never a person."""
    return dump(services.compute())
