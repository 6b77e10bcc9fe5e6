"""The date histogram: the matches over time, in buckets of a day, a week, a month or a year,
whichever keeps the range within MAX_BUCKETS bars; each bucket with the query string that
narrows the search to it. The engine counts the kept documents by day (Hits.days); the buckets,
empty ones included so the axis is even, are made here. Pure.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from search.query.params import SearchRequest

MAX_BUCKETS = 60
UNITS = ("day", "week", "month", "year")


@dataclass(frozen=True)
class Bucket:
    start: str  # ISO day, inclusive
    end: str  # ISO day, inclusive
    count: int
    qs: str = ""  # the search narrowed to this bucket (from=start&to=end)


@dataclass
class Histogram:
    unit: str | None  # day, week, month or year; None when no match has a date
    buckets: list[Bucket] = field(default_factory=list)
    undated: int = 0  # matches without a date (not drawn)

    @property
    def peak(self) -> int:
        return max((b.count for b in self.buckets), default=0)


def _start(day: dt.date, unit: str) -> dt.date:
    if unit == "week":
        return day - dt.timedelta(days=day.weekday())  # Monday
    if unit == "month":
        return day.replace(day=1)
    if unit == "year":
        return day.replace(month=1, day=1)
    return day


def _start_iso(day: str, unit: str) -> str:
    """`_start` of an ISO day, as ISO text."""
    if unit == "day":
        return day
    if unit == "month":
        return day[:8] + "01"
    if unit == "year":
        return day[:5] + "01-01"
    return _start(dt.date.fromisoformat(day), unit).isoformat()


def _next(day: dt.date, unit: str) -> dt.date:
    if unit == "day":
        return day + dt.timedelta(days=1)
    if unit == "week":
        return day + dt.timedelta(days=7)
    if unit == "month":
        return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return day.replace(year=day.year + 1)


def _count(lo: dt.date, hi: dt.date, unit: str) -> int:
    if unit == "day":
        return (hi - lo).days + 1
    if unit == "week":
        return (_start(hi, "week") - _start(lo, "week")).days // 7 + 1
    if unit == "month":
        return (hi.year - lo.year) * 12 + hi.month - lo.month + 1
    return hi.year - lo.year + 1


def unit_for(lo: dt.date, hi: dt.date) -> str:
    """The finest unit that draws lo..hi in at most MAX_BUCKETS bars."""
    return next((u for u in UNITS if _count(lo, hi, u) <= MAX_BUCKETS), "year")


def histogram(days: Counter | None, req: SearchRequest, total: int = 0) -> Histogram:
    """Buckets over the dated matches' range (the request's from/to, when set, widen it)."""
    dated = {d: n for d, n in (days or {}).items() if d and n}
    if not dated:
        return Histogram(None, [], total)
    lo = dt.date.fromisoformat(min(dated))
    hi = dt.date.fromisoformat(max(dated))
    want_lo, want_hi = req.date_range
    if want_lo:
        lo = min(lo, dt.date.fromisoformat(want_lo))
    if want_hi:
        hi = max(hi, dt.date.fromisoformat(want_hi))
    unit = unit_for(lo, hi)
    counts: Counter = Counter()  # by the bucket's first day, as ISO text (days are ISO: cut, not parsed)
    for d, n in dated.items():
        counts[_start_iso(d, unit)] += n
    buckets, at, narrowed, day = [], _start(lo, unit), req.range_qs(), dt.timedelta(days=1)
    while at <= hi:
        after = _next(at, unit)
        start, end = at.isoformat(), (after - day).isoformat()
        buckets.append(Bucket(start, end, counts.get(start, 0), narrowed(start, end)))
        at = after
    return Histogram(unit, buckets, total - sum(dated.values()))
