"""The date histogram: the matches over time, in buckets of a day, a week, a month or a year,
whichever keeps the range within MAX_BUCKETS bars; each bucket with the query string that
narrows the search to it. The engine counts the kept documents by day (Hits.days); the buckets,
empty ones included so the axis is even, are made here. Pure.
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Iterator
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


def _monday(day: dt.date) -> dt.date:
    """The first day of a day's week."""
    return day - dt.timedelta(days=day.weekday())


def _bucket_counts(dated: dict[str, int], unit: str) -> dict[str, int]:
    """The matches of each bucket, by its first day as ISO text: a day's bucket is cut from
    the day's ISO text (a week's is computed)."""
    if unit == "day":
        return dated
    counts: dict[str, int] = {}
    if unit == "week":
        for d, n in dated.items():
            k = _monday(dt.date.fromisoformat(d)).isoformat()
            counts[k] = counts.get(k, 0) + n
        return counts
    cut, first = (8, "01") if unit == "month" else (5, "01-01")
    for d, n in dated.items():
        k = d[:cut] + first
        counts[k] = counts.get(k, 0) + n
    return counts


def _count(lo: dt.date, hi: dt.date, unit: str) -> int:
    if unit == "day":
        return (hi - lo).days + 1
    if unit == "week":
        return (_monday(hi) - _monday(lo)).days // 7 + 1
    if unit == "month":
        return (hi.year - lo.year) * 12 + hi.month - lo.month + 1
    return hi.year - lo.year + 1


def unit_for(lo: dt.date, hi: dt.date) -> str:
    """The finest unit that draws lo..hi in at most MAX_BUCKETS bars."""
    return next((u for u in UNITS if _count(lo, hi, u) <= MAX_BUCKETS), "year")


def _spans(lo: dt.date, hi: dt.date, unit: str) -> Iterator[tuple[str, str]]:
    """(first day, last day) of every bucket from lo's to hi's, as ISO text."""
    if unit in ("month", "year"):  # most ranges: whole months or years, written, not computed
        for y in range(lo.year, hi.year + 1):
            if unit == "year":
                yield f"{y:04d}-01-01", f"{y:04d}-12-31"
                continue
            for m in range(lo.month if y == lo.year else 1, (hi.month if y == hi.year else 12) + 1):
                yield f"{y:04d}-{m:02d}-01", f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"
        return
    at, step = (lo, dt.timedelta(days=1)) if unit == "day" else (_monday(lo), dt.timedelta(days=7))
    last = step - dt.timedelta(days=1)  # a bucket's last day, from its first
    while at <= hi:
        yield at.isoformat(), (at + last).isoformat()
        at += step


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
    counts = _bucket_counts(dated, unit)
    narrowed = req.range_qs()
    buckets = [Bucket(start, end, counts.get(start, 0), narrowed(start, end)) for start, end in _spans(lo, hi, unit)]
    return Histogram(unit, buckets, total - sum(dated.values()))
