"""Facet values per document, filtering and counting, in plain Python sets.

`FacetTable` is loaded once per searcher from the packed `facets` column: for each facet, a map
value -> set of document numbers. Filtering is then set intersection, and counting a facet is
done "disjunctively": values of one facet are ORed, so each facet is counted with every filter
except its own, and a user can widen a selection (Kontan OR Antara) from the counts shown.
Facet results follow Datasette: value, count, selected, a toggle link and a `truncated` flag.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain

from .models import Facet, FacetValue
from .params import FACET_PARAMS, SearchRequest

FACET_ORDER = ("outlet", "date", "source", "editor", "tag")
FACET_SIZE = 10


@dataclass
class FacetTable:
    live: frozenset[int]  # document numbers not deleted
    dates: dict[int, str]  # docnum -> ISO date (known dates only)
    index: dict[str, dict[str, set[int]]]  # facet -> value -> docnums ("date" holds months and days)
    values: dict[str, dict[int, tuple[str, ...]]]  # facet -> docnum -> values
    newest: list[int] = field(default_factory=list)  # live docs, newest first, undated last
    oldest: list[int] = field(default_factory=list)  # live docs, oldest first, undated last

    @classmethod
    def load(cls, reader) -> "FacetTable":
        live, dates = set(), {}
        index = {name: {} for name in FACET_ORDER}
        values = {name: {} for name in FACET_ORDER}
        if reader.doc_count_all() == 0:  # an empty index has no columns at all
            return cls(frozenset(), dates, index, values)
        col = reader.column_reader("facets")
        for doc in range(reader.doc_count_all()):
            if reader.is_deleted(doc):
                continue
            live.add(doc)
            outlet, date, editors, source, tags, _dateline = json.loads(col[doc])
            per = {
                "outlet": (outlet,) if outlet else (),
                "date": (date[:7], date) if date else (),
                "source": (source,) if source else (),
                "editor": tuple(editors or ()),
                "tag": tuple(tags or ()),
            }
            if date:
                dates[doc] = date
            for name, vals in per.items():
                values[name][doc] = vals
                for v in vals:
                    index[name].setdefault(v, set()).add(doc)
        undated = sorted(live - dates.keys())
        by_date = sorted(dates, key=lambda d: (dates[d], d))
        newest = sorted(dates, key=lambda d: (dates[d], -d), reverse=True) + undated
        return cls(frozenset(live), dates, index, values, newest, by_date + undated)

    def docs_for(self, facet: str, selected: tuple[str, ...]) -> set[int]:
        out: set[int] = set()
        for v in selected:
            out |= self.index[facet].get(v, set())
        return out

    def in_range(self, lo: str, hi: str) -> set[int]:
        return {d for d, iso in self.dates.items() if (not lo or iso >= lo) and (not hi or iso <= hi)}


def restrict(table: FacetTable, matched: set[int], req: SearchRequest) -> tuple[set[int], dict[str, set[int]]]:
    """Apply every filter. Returns the kept documents, and per facet the documents kept by all
    filters except that facet's own (for disjunctive counts)."""
    lo, hi = req.date_range
    base = matched & table.in_range(lo, hi) if (lo or hi) else set(matched)
    by_facet = {name: table.docs_for(name, req.filters[FACET_PARAMS[name]])
                for name in FACET_ORDER if req.filters.get(FACET_PARAMS[name])}
    kept = base
    for docs in by_facet.values():
        kept = kept & docs
    others = {}
    for name in FACET_ORDER:
        if name in by_facet:
            rest = base
            for other, docs in by_facet.items():
                if other != name:
                    rest = rest & docs
            others[name] = rest
        else:
            others[name] = kept
    return kept, others


def count(table: FacetTable, name: str, docs: set[int]) -> Counter:
    idx = table.index[name]
    if len(idx) * 8 < len(docs):
        return Counter({v: n for v, ds in idx.items() if (n := len(ds & docs))})
    vals = table.values[name]
    return Counter(chain.from_iterable(map(vals.__getitem__, docs)))


def facet_results(table: FacetTable, req: SearchRequest, per_facet_docs: dict[str, set[int]],
                  size: int = FACET_SIZE) -> list[Facet]:
    out = []
    for name in FACET_ORDER:
        param = FACET_PARAMS[name]
        selected = req.filters.get(param, ())
        raw = counts = count(table, name, per_facet_docs[name])
        if name == "date":
            counts = _date_granularity(raw, selected)
        ranked = sorted(counts.items(), key=_order(name))
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
        links = req.toggles(param, [v for v, _ in shown])
        values = [FacetValue(value=v, label=v, count=n, selected=v in selected,
                             toggle_url=links[v]) for v, n in shown]
        out.append(Facet(name=name, param=param, values=values, truncated=truncated))
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
