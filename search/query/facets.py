"""Facet counts as the page and the JSON show them, Datasette style: each value with its count,
whether it is selected, a link that toggles it, and a `truncated` flag.

The counts come from the engine (search.engine.base.Hits.counts), each facet counted with every
filter but its own. Dates are shown by month, or by day once every match falls in one month or
a month is selected; the most recent buckets, oldest first, like a histogram.
"""
from __future__ import annotations

from collections import Counter

from search.models import Chip, Facet, FacetValue
from search.query.params import FILTERS, SearchRequest

FACET_ORDER = ("outlet", "date", "source", "editor", "tag")  # as shown
WANTED = ("outlet", "source", "editor", "tag", "month", "date")  # what the engine is asked
FACET_SIZE = 10


def facet_results(counts: dict[str, Counter], req: SearchRequest, size: int = FACET_SIZE) -> list[Facet]:
    out = []
    for name in FACET_ORDER:
        selected = req.filters.get(name, ())
        if name == "date":
            raw = Counter(counts.get("month", {}))
            raw.update(counts.get("date", {}))
            shown_counts = _date_granularity(raw, selected)
        else:
            raw = shown_counts = counts.get(name, Counter())
        ranked = sorted(shown_counts.items(), key=_order(name))
        if name == "date":  # the most recent buckets, oldest first, like a histogram
            shown = ranked[-size * 2:]
            truncated = len(ranked) > size * 2
        else:
            shown = ranked[:size]
            truncated = len(ranked) > size
        # Selected values always show, even with a zero count, so they can be removed.
        for v in selected:
            if v not in dict(shown):
                shown.append((v, raw.get(v, 0)))
        links = req.toggles(name, [v for v, _ in shown])
        values = [FacetValue(value=v, label=v, count=n, selected=v in selected,
                             toggle_url=links[v]) for v, n in shown]
        out.append(Facet(name=name, param=name, values=values, truncated=truncated))
    return out


def chips(req: SearchRequest) -> list[Chip]:
    """The active filters, each with the link that removes it."""
    out = []
    for param in FILTERS:
        for v in req.filters.get(param, ()):
            out.append(Chip(param, v, v, req.toggle_qs(param, v)))
    if req.date_from:
        out.append(Chip("from", req.date_from, req.date_from, req.without_qs("from")))
    if req.date_to:
        out.append(Chip("to", req.date_to, req.date_to, req.without_qs("to")))
    if req.story:
        out.append(Chip("story", req.story, req.story, req.without_qs("story")))
    return out


def _date_granularity(counts: Counter, selected: tuple[str, ...]) -> Counter:
    """Months, unless every match falls in one month (or a month is selected): then days."""
    months = {v: n for v, n in counts.items() if len(v) == 7}
    days = {v: n for v, n in counts.items() if len(v) == 10}
    chosen = {s for s in selected if len(s) == 7}
    if chosen:
        return Counter({v: n for v, n in days.items() if v[:7] in chosen})
    if len(months) == 1:
        return Counter(days)
    return Counter(months)


def _order(name: str):
    if name == "date":
        return lambda kv: kv[0]  # chronological: a histogram
    return lambda kv: (-kv[1], kv[0].lower())
